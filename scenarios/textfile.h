/*
 * textfile.h -- a scenario file read whole, or refused before it is read.
 *
 * A scenario names a file; whatever the name points at, twsim must answer
 * at once: /dev/zero would be read until memory ran out, a FIFO without a
 * writer would block forever, a directory reads as an error message.  So
 * the file is opened without blocking, must be a regular file of at most
 * `maxlen` bytes (checked before reading, and again while reading, in case
 * it grows), and must be text: no NUL byte, which is reported with its line.
 */
#ifndef TWSIM_TEXTFILE_H
#define TWSIM_TEXTFILE_H

#include <stddef.h>

/*
 * Reads `path` into *text (malloc'ed, NUL-terminated; the caller frees) and
 * its length into *len.  Returns 0, or -1 with a message that starts with
 * the path ("x.ini: not a regular file (a FIFO)") in err.
 */
int	textfile_read(const char *path, size_t maxlen, char **text,
	    size_t *len, char *err, size_t errlen);

#endif /* TWSIM_TEXTFILE_H */
