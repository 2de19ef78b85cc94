/*
 * params.h -- the one table of scenario parameters.
 *
 * Every key a scenario file may set is one entry of a single table
 * (scenarios/params.c): its section kind, name, value type, unit, default,
 * bounds, the FreeBSD sysctl it mirrors and a one-line meaning.  The loader
 * (scenarios/scenario.c) validates and fills defaults from it, `twsim params`
 * prints it and docs/scenario-keys.md is generated from it, so nothing about
 * a parameter is written twice.
 *
 * The keys of [host NAME] other than address and listen are the host
 * tunables: they are not written here but taken from the one table of
 * tunables (models/tunable.c).  Those the table lets change at run time may
 * also be set at a simulated time in an [at TIME] section, as
 * HOST.KEY = VALUE; their keys carry PARAM_F_TUNABLE.
 */
#ifndef TWSIM_PARAMS_H
#define TWSIM_PARAMS_H

#include <stddef.h>
#include <stdio.h>

struct tunable;

/* The kind of section a key belongs to. */
enum param_section {
	PARAM_SEC_RUN,		/* [run] */
	PARAM_SEC_HOST,		/* [host NAME] */
	PARAM_SEC_PATH,		/* [path A B], [path A -> B] */
	PARAM_SEC_WORKLOAD,	/* [workload NAME] */
	PARAM_SEC_AT,		/* [at TIME]: HOST.KEY of host tunables */
	PARAM_NSECTIONS
};

/* How a value is written and what it becomes (base units in brackets). */
enum param_type {
	PARAM_T_NAME,		/* free text, no sweep */
	PARAM_T_TIME,		/* 300s, 250ms, 1.5s, 2min [ns] */
	PARAM_T_SIZE,		/* 16KiB, 1KB, 512B [bytes, uint64_t] */
	PARAM_T_RATE,		/* 10/s, or steps 10/s, 50/s@60s [per s] */
	PARAM_T_PROB,		/* 0.001, in [0, 1] [double] */
	PARAM_T_INT,		/* integer within bounds [int64_t] */
	PARAM_T_SEED,		/* unsigned 64-bit integer */
	PARAM_T_PORTRANGE,	/* 10000-65535 */
	PARAM_T_PORTS,		/* 80, 443 */
	PARAM_T_ADDRS,		/* 10.0.0.1, 10.0.0.2 [host order] */
	PARAM_T_DIST,		/* exponential(2ms) [struct dist, ns] */
	PARAM_T_ENUM,		/* one of `choices` */
	PARAM_T_CLIENT,		/* HOST or HOST/ADDRESS */
	PARAM_T_SERVER		/* HOST[:PORT] or HOST/ADDRESS:PORT */
};

/* Stable identity of each key, for the loader's switch. */
enum param_id {
	P_RUN_NAME,
	P_RUN_DURATION,
	P_RUN_SEED,
	P_RUN_REPEAT,
	P_RUN_SAMPLE,
	P_RUN_CONNECTIONS,

	P_HOST_ADDRESS,
	P_HOST_LISTEN,
	P_HOST_STACK,
	/* then the host tunables (models/tunable.c), id P_TUNABLE */
	P_HOST_PCAP,

	P_PATH_LATENCY,
	P_PATH_LOSS,
	P_PATH_DUPLICATE,
	P_PATH_DUPLICATE_DELAY,

	P_WL_CLIENT,
	P_WL_SERVER,
	P_WL_ARRIVAL,
	P_WL_RATE,
	P_WL_REQUEST,
	P_WL_RESPONSE,
	P_WL_HOLD,
	P_WL_CLOSE,
	P_WL_CLOSE_DELAY,
	P_WL_SPORT,
	P_WL_START,
	P_WL_STOP,

	P_NPARAMS,		/* keys of this table */
	P_TUNABLE = P_NPARAMS	/* a host tunable: param->tun says which */
};

#define PARAM_F_REQUIRED	0x01	/* no default: must be set */
#define PARAM_F_TUNABLE		0x02	/* may change in [at] */
#define PARAM_F_NOSWEEP		0x04	/* may not be swept */
#define PARAM_F_COMPUTED	0x08	/* default computed (defdoc) */
/*
 * An output option, not part of what is simulated: not recorded in the
 * params table, so it never makes two runs of one model look different.
 */
#define PARAM_F_OUTPUT		0x10

struct param {
	enum param_id		 id;
	enum param_section	 section;
	const char		*key;		/* "maxtcptw" */
	enum param_type		 type;
	const char		*unit;		/* "s", "B", "/s", "" */
	const char		*defval;	/* default as written; NULL if
						   required or computed */
	const char		*defdoc;	/* default as documented */
	/* bounds in base units (INT, TIME, SIZE, RATE, PROB) */
	double			 min, max;
	const char		*choices;	/* ENUM: "yes|no" */
	const char		*sysctl;	/* FreeBSD sysctl, or NULL */
	unsigned		 flags;		/* PARAM_F_* */
	const char		*meaning;	/* one line */
	/* a host tunable: its row, and its default as written ("30s") */
	const struct tunable	*tun;
	char			 deftext[32];
};

/*
 * Every key, in documentation order: params_count() of them, the host
 * tunables after `listen`.  params_at() returns a key of this table, or
 * fills `buf` for a host tunable (the key of tunable row t is
 * params_of_tunable(t, buf)) and returns buf.
 */
size_t			 params_count(void);
const struct param	*params_at(size_t i, struct param *buf);
const struct param	*params_of_tunable(const struct tunable *t,
			    struct param *buf);
/*
 * The same for a host of stack `stack` (enum tunable_stack): that stack's
 * default and sysctl name.  NULL when the stack lacks the tunable.
 */
const struct param	*params_of_tunable_stack(const struct tunable *t,
			    int stack, struct param *buf);
/* The default as written ("30s"), or NULL if required or computed. */
const char		*params_default(const struct param *p);
/* A key of this table by id (not P_TUNABLE). */
const struct param	*params_by_id(enum param_id id);
/* Key of a section kind (the same way); NULL if unknown. */
const struct param	*params_lookup(enum param_section sec,
			    const char *key, struct param *buf);
/* "run", "host", "path", "workload", "at". */
const char		*params_section_name(enum param_section sec);
/* Section kind by its first word; -1 if unknown. */
int			 params_section_by_name(const char *word);
/*
 * The valid key closest to `bad` in section kind `sec` (edit distance at
 * most 2, or a prefix), or NULL.  For "did you mean" messages.
 */
const char		*params_suggest(enum param_section sec,
			    const char *bad);
/* "address, listen, hz, ..." into buf; returns buf. */
char			*params_list_keys(enum param_section sec, char *buf,
			    size_t len);

/*
 * The table as aligned text (`twsim params`) or as the Markdown document
 * docs/scenario-keys.md (`twsim params --markdown`).  Writes to `out`;
 * returns 0, or -1 on a write error.
 */
int			 params_write_text(FILE *out);
/* The keys of a host of stack `stack`, with its defaults (--stack). */
int			 params_write_text_stack(FILE *out, int stack);
int			 params_write_markdown(FILE *out);
/* The manual page twsim-scenario(5), keys from the table (docs/). */
int			 params_write_man(FILE *out);

#endif /* TWSIM_PARAMS_H */
