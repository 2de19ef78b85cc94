/*
 * textfile.c -- read a scenario file whole, refusing what is no text file
 * (see textfile.h).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/textfile.h"

/* What a file that is not regular is, for the message. */
static const char *
file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a plain file";
}

/* Line (1-based) of position off in text. */
static size_t
line_of(const char *text, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int
textfile_read(const char *path, size_t maxlen, char **textp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat st;
	char *text = NULL, *t, *nul;
	size_t len = 0, cap;
	ssize_t n;
	int fd;

	*textp = NULL;
	*lenp = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (%s)", path,
		    file_kind(st.st_mode));
		goto fail;
	}
	if ((unsigned long long)st.st_size > maxlen) {
		snprintf(err, errlen, "%s: larger than %zu MiB (%lld bytes)",
		    path, maxlen >> 20, (long long)st.st_size);
		goto fail;
	}
	/* Room for the size fstat gave, plus one byte to see growth. */
	cap = (size_t)st.st_size + 2;
	text = malloc(cap);
	if (text == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (;;) {
		if (len + 1 == cap) {
			if (len > maxlen)
				break;
			cap = cap * 2 > maxlen + 2 ? maxlen + 2 : cap * 2;
			t = realloc(text, cap);
			if (t == NULL) {
				snprintf(err, errlen, "%s: out of memory",
				    path);
				goto fail;
			}
			text = t;
		}
		n = read(fd, text + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > maxlen) {
		snprintf(err, errlen, "%s: larger than %zu MiB (it grew while "
		    "read)", path, maxlen >> 20);
		goto fail;
	}
	text[len] = '\0';
	nul = memchr(text, '\0', len);
	if (nul != NULL) {
		snprintf(err, errlen, "%s:%zu: NUL byte (a scenario is text)",
		    path, line_of(text, (size_t)(nul - text)));
		goto fail;
	}
	close(fd);
	*textp = text;
	*lenp = len;
	return 0;
fail:
	free(text);
	close(fd);
	return -1;
}
