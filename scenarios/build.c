/*
 * build.c -- stage 3 of loading: the entries of one sweep point into one
 * scenario_run.  Every key's value (or its default) is parsed into the
 * plain structs of scenario.h: the [run] settings, hosts with their boot
 * tunables (stored where models/tunable.c says), the named paths,
 * workloads with their resolved endpoints, and the [at] changes sorted by
 * time.  Cross-key rules are checked per point, and every resolved key is
 * recorded for the params table.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tunable.h"
#include "scenarios/loader.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

/*
 * connections = auto records a run's connection rows below this many
 * expected connections: a row costs about 80 bytes on disk and 1.5 us to
 * write, so 1e5 keeps a run under ~8 MB (1e6 made 11 runs of a 2,000
 * conn/s workload 544 MB, issue 14).  Above it the per-host aggregates
 * (host_stats, samples) still describe every connection.
 */
#define AUTO_RECORD_LIMIT 1e5

/* ---- one run ------------------------------------------------------- */

/* Value text of entry e at this point. */
static const char *
entry_text(const struct entry *e, const struct point *pt)
{
	if (e->sweep >= 0)
		return e->choices[pt->choice[e->sweep]];
	return e->value;
}

struct builder {
	struct loader		*ld;
	struct scenario_run	*run;
	const struct point	*pt;
	struct scenario_param	*params;
	size_t			 nparams, capparams;
};

static int
add_param(struct builder *b, const char *key, const char *value)
{
	struct scenario *sc = b->ld->sc;

	if (b->nparams == b->capparams) {
		size_t cap = b->capparams ? b->capparams * 2 : 64;
		struct scenario_param *n = sc_alloc(sc, cap * sizeof(*n));

		if (n == NULL)
			return ld_oom(b->ld);
		if (b->nparams)
			memcpy(n, b->params, b->nparams * sizeof(*n));
		b->params = n;
		b->capparams = cap;
	}
	b->params[b->nparams].key = sc_strdup(sc, key);
	b->params[b->nparams].value = sc_strdup(sc, value);
	if (b->params[b->nparams].key == NULL ||
	    b->params[b->nparams].value == NULL)
		return ld_oom(b->ld);
	b->nparams++;
	return 0;
}

/*
 * Value of param p in section si: parsed into pv, recorded in the params
 * list.  *ep is the entry that set it (NULL: default).  Returns 1 if p has
 * no value (computed default), 0 if parsed, -1 on error.
 */
static int
get_value(struct builder *b, size_t si, const struct param *p,
    struct pval *pv, const struct entry **ep)
{
	struct loader *ld = b->ld;
	const struct section *s = &ld->secs[si];
	const struct entry *e = NULL;
	const char *text;
	char msg[512], key[320], prefix[256];
	int idx;

	idx = ld_find_entry(ld, si, p->key);
	if (idx >= 0)
		e = &ld->ents[idx];
	*ep = e;
	if (e != NULL)
		text = entry_text(e, b->pt);
	else if (params_default(p) != NULL)
		text = params_default(p);
	else
		return 1;
	if (value_parse(ld->sc, p, text, pv, msg, sizeof(msg)) != 0) {
		if (e == NULL)
			return lfail(ld, s->line, "internal: bad default "
			    "'%s' for %s: %s", text, p->key, msg);
		return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
		    text, p->key, s->title, msg);
	}
	if (p->flags & PARAM_F_OUTPUT)
		return 0;
	ld_key_prefix(s, prefix, sizeof(prefix));
	snprintf(key, sizeof(key), "%s.%s", prefix, p->key);
	if (add_param(b, key, pv->canon) != 0)
		return -1;
	return 0;
}

static const char *
file_base(struct scenario *sc, const char *file)
{
	const char *slash = strrchr(file, '/'), *base;
	size_t n;

	base = slash ? slash + 1 : file;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	return sc_strndup(sc, base, n);
}

static int
build_run_section(struct builder *b, size_t si)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	const struct entry *e;
	struct pval pv;
	size_t i;
	int rc;

	for (i = 0; i < P_NPARAMS; i++) {
		const struct param *p = params_by_id((enum param_id)i);

		if (p->section != PARAM_SEC_RUN)
			continue;
		rc = get_value(b, si, p, &pv, &e);
		if (rc < 0)
			return -1;
		switch (p->id) {
		case P_RUN_NAME:
			if (rc == 1) {
				r->name = file_base(ld->sc, ld->file);
				if (r->name == NULL ||
				    add_param(b, "run.name", r->name) != 0)
					return ld_oom(ld);
			} else
				r->name = sc_strdup(ld->sc, pv.s);
			break;
		case P_RUN_DURATION:
			r->duration = pv.i;
			break;
		case P_RUN_SEED:
			r->master_seed = pv.u;
			break;
		case P_RUN_REPEAT:
			break;
		case P_RUN_SAMPLE:
			r->sample = pv.i;
			break;
		case P_RUN_CONNECTIONS:
			r->connections = pv.i == 0 ? SCENARIO_CONN_YES :
			    pv.i == 1 ? SCENARIO_CONN_NO : SCENARIO_CONN_AUTO;
			break;
		default:
			break;
		}
	}
	if (r->name == NULL)
		return ld_oom(ld);
	if (ld->seed_override != 0)
		r->master_seed = ld->seed_override;
	return 0;
}

/*
 * Store a parsed tunable value as its boot value, after the row's own check
 * (hz must divide 1e9); e is the entry that set it (NULL: the default).
 */
static int
set_tunable(struct builder *b, struct host_tunables *tun,
    const struct tunable *t, const struct pval *pv, const struct entry *e,
    const struct section *s)
{
	char msg[256];

	if (t->type == TUNABLE_T_PORTRANGE) {
		tunable_store(tun, t, 0, pv->first);
		tunable_store(tun, t, 1, pv->last);
		return 0;
	}
	if (t->check != NULL && t->check(t, pv->i, msg, sizeof(msg)) != 0) {
		if (e == NULL)
			return lfail(b->ld, s->line, "internal: bad default "
			    "for %s: %s", t->key, msg);
		return efail(b->ld, e, "bad value '%s' for %s in [%s]: %s",
		    entry_text(e, b->pt), t->key, s->title, msg);
	}
	tunable_store(tun, t, 0, pv->i);
	return 0;
}

/* Addresses seen so far and the host holding each (open addressing). */
struct addrset {
	struct addrset_slot {
		uint32_t	 addr;		/* 0: empty (never an address) */
		size_t		 host;
	}		*slots;
	size_t		 cap, n;
};

static size_t
addrset_slot(uint32_t addr, size_t cap)
{
	return (size_t)((addr * 0x9e3779b1u) >> 8) & (cap - 1);
}

/* The host holding addr, or SIZE_MAX. */
static size_t
addrset_find(const struct addrset *as, uint32_t addr)
{
	size_t j;

	if (as->cap == 0)
		return SIZE_MAX;
	for (j = addrset_slot(addr, as->cap); as->slots[j].addr != 0;
	    j = (j + 1) & (as->cap - 1))
		if (as->slots[j].addr == addr)
			return as->slots[j].host;
	return SIZE_MAX;
}

static int
addrset_add(struct addrset *as, uint32_t addr, size_t host)
{
	struct addrset_slot *slots;
	size_t cap, i, j;

	if (addrset_find(as, addr) != SIZE_MAX)
		return 0;	/* one host listing it twice: the first */
	if (2 * (as->n + 1) > as->cap) {
		cap = as->cap ? 2 * as->cap : 64;
		if ((slots = calloc(cap, sizeof(*slots))) == NULL)
			return -1;
		for (i = 0; i < as->cap; i++) {
			if (as->slots[i].addr == 0)
				continue;
			for (j = addrset_slot(as->slots[i].addr, cap);
			    slots[j].addr != 0; j = (j + 1) & (cap - 1))
				;
			slots[j] = as->slots[i];
		}
		free(as->slots);
		as->slots = slots;
		as->cap = cap;
	}
	for (j = addrset_slot(addr, as->cap); as->slots[j].addr != 0;
	    j = (j + 1) & (as->cap - 1))
		;
	as->slots[j].addr = addr;
	as->slots[j].host = host;
	as->n++;
	return 0;
}

static void
addrset_free(struct addrset *as)
{
	free(as->slots);
	as->slots = NULL;
	as->cap = as->n = 0;
}

static int
build_hosts(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_host *hosts;
	const struct entry *e;
	const struct entry **addr_entries;
	const struct tunable *tt;
	const struct param *tpar;
	struct param tp;
	struct pval pv;
	struct addrset as = { NULL, 0, 0 };
	size_t i, j, jj, k, n = 0, h, h2, ntt;
	char a[32], msg[256];
	int stack;

	for (i = 0; i < ld->nsecs; i++)
		if (ld->secs[i].kind == PARAM_SEC_HOST)
			n++;
	hosts = sc_alloc(ld->sc, n * sizeof(*hosts));
	addr_entries = sc_alloc(ld->sc, n * sizeof(*addr_entries));
	if (hosts == NULL || addr_entries == NULL)
		return ld_oom(ld);
	h = 0;
	for (i = 0; i < ld->nsecs; i++) {
		struct section *s = &ld->secs[i];

		if (s->kind != PARAM_SEC_HOST)
			continue;
		s->hostidx = (int)h;
		hosts[h].name = s->name;
		hosts[h].line = s->line;
		stack = TUNABLE_STACK_FREEBSD9;
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != PARAM_SEC_HOST)
				continue;
			if (get_value(b, i, p, &pv, &e) < 0)
				goto fail;
			if (p->id == P_HOST_ADDRESS) {
				hosts[h].addrs = pv.addrs;
				hosts[h].naddrs = pv.n;
				addr_entries[h] = e;
			} else if (p->id == P_HOST_LISTEN) {
				hosts[h].listen = pv.ports;
				hosts[h].nlisten = pv.n;
			} else if (p->id == P_HOST_STACK)
				stack = (int)pv.i;	/* choices in enum order */
			else if (p->id == P_HOST_PCAP)
				hosts[h].pcap = pv.i == 0;
		}
		/*
		 * The tunables, as boot values (the loader's path), with the
		 * defaults of the host's stack; one the stack lacks may not be
		 * set (its value stays that kernel's constant).
		 */
		host_tunables_init_stack(&hosts[h].tun,
		    (enum tunable_stack)stack);
		tt = tunable_table(&ntt);
		for (j = 0; j < ntt; j++) {
			tpar = params_of_tunable_stack(&tt[j], stack, &tp);
			if (tpar == NULL) {
				int idx = ld_find_entry(ld, i, tt[j].key);

				if (idx >= 0) {
					addrset_free(&as);
					return efail(ld, &ld->ents[idx],
					    "%s is not a tunable of a %s host "
					    "([%s] has stack = %s; see twsim "
					    "params --stack %s)", tt[j].key,
					    tunable_stack_name(stack), s->title,
					    tunable_stack_name(stack),
					    tunable_stack_name(stack));
				}
				continue;
			}
			if (get_value(b, i, tpar, &pv, &e) < 0)
				goto fail;
			if (set_tunable(b, &hosts[h].tun, &tt[j], &pv, e,
			    s) != 0)
				goto fail;
		}
		/*
		 * HOST-6: then each value against the host's others (msl
		 * against hz), located at the entry that set it.
		 */
		for (j = 0; j < ntt; j++) {
			int idx;

			if (tt[j].check_with == NULL ||
			    !tunable_has(&tt[j], (enum tunable_stack)stack) ||
			    tt[j].check_with(&hosts[h].tun, tunable_value(
			    &hosts[h].tun, &tt[j], 0), msg, sizeof(msg)) == 0)
				continue;
			addrset_free(&as);
			idx = ld_find_entry(ld, i, tt[j].key);
			if (idx < 0)
				return lfail(ld, s->line, "[%s]: %s", s->title,
				    msg);
			return efail(ld, &ld->ents[idx], "bad value '%s' for "
			    "%s in [%s]: %s", entry_text(&ld->ents[idx], b->pt),
			    tt[j].key, s->title, msg);
		}
		/*
		 * An address belongs to one host only; the earliest host
		 * holding it is named (a hash of the addresses so far keeps
		 * this linear in the addresses).
		 */
		for (h2 = SIZE_MAX, jj = 0, j = 0; j < hosts[h].naddrs; j++) {
			k = addrset_find(&as, hosts[h].addrs[j]);
			if (k < h2) {
				h2 = k;
				jj = j;
			}
		}
		if (h2 != SIZE_MAX) {
			addrset_free(&as);
			return efail(ld, addr_entries[h], "address %s of [host "
			    "%s] is already an address of [host %s] (line %d)",
			    units_format_ipv4(hosts[h].addrs[jj], a,
			    sizeof(a)), hosts[h].name, hosts[h2].name,
			    addr_entries[h2]->line);
		}
		for (j = 0; j < hosts[h].naddrs; j++)
			if (addrset_add(&as, hosts[h].addrs[j], h) != 0) {
				addrset_free(&as);
				return ld_oom(ld);
			}
		h++;
	}
	addrset_free(&as);
	r->hosts = hosts;
	r->nhosts = n;
	return 0;
fail:
	addrset_free(&as);
	return -1;
}

static int
host_index(const struct loader *ld, const char *name)
{
	int s = ld_find_section(ld, PARAM_SEC_HOST, name);

	return s < 0 ? -1 : ld->secs[s].hostidx;
}

static int
build_paths(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_path *paths, proto;
	const struct entry *e;
	struct pval pv;
	size_t i, j, n = 0, cap;
	int from, to;

	/*
	 * Only the named directions: an ordered pair no section names takes
	 * the network's unconfigured path (NET-1), which is what the [path]
	 * defaults say.  Listing every pair cost hosts^2 entries, each
	 * checked against the named ones: quartic, minutes at 1,000 hosts.
	 */
	for (cap = 0, i = 0; i < ld->nsecs; i++)
		if (ld->secs[i].kind == PARAM_SEC_PATH)
			cap += ld->secs[i].oneway ? 1 : 2;
	paths = sc_alloc(ld->sc, (cap > 0 ? cap : 1) * sizeof(*paths));
	if (paths == NULL)
		return ld_oom(ld);
	for (i = 0; i < ld->nsecs; i++) {
		const struct section *s = &ld->secs[i];

		if (s->kind != PARAM_SEC_PATH)
			continue;
		memset(&proto, 0, sizeof(proto));
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != PARAM_SEC_PATH)
				continue;
			if (get_value(b, i, p, &pv, &e) < 0)
				return -1;
			switch (p->id) {
			case P_PATH_LATENCY:
				proto.latency = pv.dist;
				break;
			case P_PATH_LOSS:
				proto.loss = pv.d;
				break;
			case P_PATH_DUPLICATE:
				proto.duplicate = pv.d;
				break;
			case P_PATH_DUPLICATE_DELAY:
				proto.duplicate_delay = pv.dist;
				break;
			default:
				break;
			}
		}
		from = host_index(ld, s->from);
		to = host_index(ld, s->to);
		proto.line = s->line;
		proto.from_host = (size_t)from;
		proto.to_host = (size_t)to;
		paths[n++] = proto;
		if (!s->oneway) {
			proto.from_host = (size_t)to;
			proto.to_host = (size_t)from;
			paths[n++] = proto;
		}
	}
	r->paths = paths;
	r->npaths = n;
	return 0;
}

/* "HOST", "HOST/ADDR", "HOST:PORT", "HOST/ADDR:PORT". */
static int
resolve_endpoint(struct builder *b, const struct entry *e, const char *text,
    int server, size_t *hostp, uint32_t *addrp, uint16_t *portp)
{
	struct loader *ld = b->ld;
	const struct scenario_run *r = b->run;
	char buf[256], *name, *slash, *colon, msg[160], hosts[512], a[32];
	const struct scenario_host *h;
	const char *sec = ld_sec_title(ld, e->section);
	uint32_t addr = 0;
	uint16_t port = 80;
	size_t i;
	int hi;

	if (strlen(text) >= sizeof(buf))
		return efail(ld, e, "bad value '%.40s...' for %s in [%s]: too "
		    "long for HOST[/ADDRESS]%s", text, server ? "server" :
		    "client", sec, server ? "[:PORT]" : "");
	snprintf(buf, sizeof(buf), "%s", text);
	name = ld_trim(buf);
	colon = strchr(name, ':');
	if (colon != NULL) {
		if (!server)
			return efail(ld, e, "bad value '%s' for client in [%s]: "
			    "a client takes no port (use sport)", text, sec);
		*colon++ = '\0';
		if (units_parse_port(colon, 0, &port, msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for server in "
			    "[%s]: %s", text, sec, msg);
	}
	slash = strchr(name, '/');
	if (slash != NULL) {
		*slash++ = '\0';
		if (units_parse_ipv4(slash, &addr, msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
			    text, server ? "server" : "client", sec, msg);
	}
	hi = host_index(ld, ld_trim(name));
	if (hi < 0)
		return efail(ld, e, "unknown host '%s' in %s = %s in [%s] "
		    "(hosts: %s)", name, server ? "server" : "client", text,
		    sec, ld_host_names(ld, hosts, sizeof(hosts)));
	h = &r->hosts[hi];
	if (slash != NULL) {
		for (i = 0; i < h->naddrs; i++)
			if (h->addrs[i] == addr)
				break;
		if (i == h->naddrs)
			return efail(ld, e, "address %s in %s = %s in [%s] is "
			    "not an address of [host %s]", units_format_ipv4(
			    addr, a, sizeof(a)), server ? "server" : "client",
			    text, sec, h->name);
	} else
		/* WL-9: a client without /ADDRESS uses all of its addresses. */
		addr = server ? h->addrs[0] : 0;
	if (server) {
		for (i = 0; i < h->nlisten; i++)
			if (h->listen[i] == port)
				break;
		if (i == h->nlisten)
			return efail(ld, e, "server = %s in [%s]: host '%s' "
			    "does not listen on port %u (%s)", text, sec,
			    h->name, port, h->nlisten ? "add it to its listen "
			    "key" : "it has no listen key");
	}
	*hostp = (size_t)hi;
	*addrp = addr;
	*portp = port;
	return 0;
}

static double
expected_connections(const struct scenario_workload *w)
{
	double sum = 0;
	size_t i;
	sim_time_t a, z;

	for (i = 0; i < w->nsteps; i++) {
		a = w->steps[i].start > w->start ? w->steps[i].start : w->start;
		z = i + 1 < w->nsteps ? w->steps[i + 1].start : w->stop;
		if (z > w->stop)
			z = w->stop;
		if (z > a)
			sum += w->steps[i].rate * sim_time_to_sec(z - a);
	}
	return sum;
}

static int
build_workloads(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_workload *wl;
	const struct entry *e, *client_e = NULL, *server_e = NULL;
	const struct entry *stop_e = NULL, *start_e = NULL;
	struct pval pv;
	size_t i, j, n = 0, w = 0;
	int rc;
	char t1[48], t2[48], prefix[256], key[320];
	const char *client_text = NULL, *server_text = NULL;

	for (i = 0; i < ld->nsecs; i++)
		if (ld->secs[i].kind == PARAM_SEC_WORKLOAD)
			n++;
	wl = sc_alloc(ld->sc, n * sizeof(*wl));
	if (wl == NULL)
		return ld_oom(ld);
	r->expected_connections = 0;
	for (i = 0; i < ld->nsecs; i++) {
		const struct section *s = &ld->secs[i];
		struct scenario_workload *x = &wl[w];
		int have_stop = 0;

		if (s->kind != PARAM_SEC_WORKLOAD)
			continue;
		x->name = s->name;
		x->line = s->line;
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != PARAM_SEC_WORKLOAD)
				continue;
			rc = get_value(b, i, p, &pv, &e);
			if (rc < 0)
				return -1;
			switch (p->id) {
			case P_WL_CLIENT:
				client_e = e;
				client_text = pv.s;
				break;
			case P_WL_SERVER:
				server_e = e;
				server_text = pv.s;
				break;
			case P_WL_ARRIVAL:
				x->arrival = pv.i == 0 ?
				    SCENARIO_ARRIVAL_POISSON :
				    SCENARIO_ARRIVAL_CONSTANT;
				break;
			case P_WL_RATE:
				x->steps = pv.steps;
				x->nsteps = pv.n;
				break;
			case P_WL_REQUEST:
				x->request = pv.u;
				break;
			case P_WL_RESPONSE:
				x->response = pv.u;
				break;
			case P_WL_HOLD:
				x->hold = pv.i;
				break;
			case P_WL_CLOSE:
				x->close_by = pv.i == 0 ?
				    SCENARIO_CLOSE_CLIENT :
				    SCENARIO_CLOSE_SERVER;
				break;
			case P_WL_CLOSE_DELAY:
				x->close_delay = pv.i;
				break;
			case P_WL_SPORT:
				x->sport = (uint16_t)pv.i;
				break;
			case P_WL_START:
				x->start = pv.i;
				start_e = e;
				break;
			case P_WL_STOP:
				if (rc == 1) {
					x->stop = r->duration;
					ld_key_prefix(s, prefix,
					    sizeof(prefix));
					snprintf(key, sizeof(key), "%s.stop",
					    prefix);
					if (add_param(b, key, units_format_time(
					    x->stop, t1, sizeof(t1))) != 0)
						return -1;
				} else {
					x->stop = pv.i;
					have_stop = 1;
				}
				stop_e = e;
				break;
			default:
				break;
			}
		}
		if (resolve_endpoint(b, client_e, client_text, 0,
		    &x->client_host, &x->client_addr, &(uint16_t){0}) != 0 ||
		    resolve_endpoint(b, server_e, server_text, 1,
		    &x->server_host, &x->server_addr, &x->server_port) != 0)
			return -1;
		if (have_stop && x->stop > r->duration)
			return efail(ld, stop_e, "stop = %s in [%s] is after "
			    "the end of the run (duration = %s)",
			    units_format_time(x->stop, t1, sizeof(t1)),
			    s->title, units_format_time(r->duration, t2,
			    sizeof(t2)));
		if (x->start >= x->stop)
			return efail(ld, start_e != NULL ? start_e : stop_e,
			    "start = %s in [%s] is not before stop = %s",
			    units_format_time(x->start, t1, sizeof(t1)),
			    s->title, units_format_time(x->stop, t2,
			    sizeof(t2)));
		r->expected_connections += expected_connections(x);
		w++;
	}
	r->workloads = wl;
	r->nworkloads = n;
	return 0;
}

static int
build_changes(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_change *ch, tmp;
	struct pval pv;
	char msg[512], prefix[256], key[320], t[48];
	size_t i, n = 0, k;
	const struct entry *e;
	const struct section *s;

	for (i = 0; i < ld->nents; i++)
		if (ld->secs[ld->ents[i].section].kind == PARAM_SEC_AT)
			n += (size_t)tunable_nvalues(ld->ents[i].param->tun);
	ch = sc_alloc(ld->sc, n * sizeof(*ch));
	if (ch == NULL)
		return ld_oom(ld);
	n = 0;
	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		s = &ld->secs[e->section];
		if (s->kind != PARAM_SEC_AT)
			continue;
		if (value_parse(ld->sc, e->param, entry_text(e, b->pt), &pv,
		    msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
			    entry_text(e, b->pt), e->key, s->title, msg);
		if (s->at >= r->duration)
			return efail(ld, e, "[%s] is not before the end of the "
			    "run (duration = %s)", s->title, units_format_time(
			    r->duration, t, sizeof(t)));
		ld_key_prefix(s, prefix, sizeof(prefix));
		snprintf(key, sizeof(key), "%s.%s", prefix, e->key);
		if (add_param(b, key, pv.canon) != 0)
			return -1;
		memset(&tmp, 0, sizeof(tmp));
		tmp.at = s->at;
		tmp.host = (size_t)host_index(ld, e->host);
		if (!tunable_has(e->param->tun,
		    (enum tunable_stack)r->hosts[tmp.host].tun.stack))
			return efail(ld, e, "%s is not a tunable of a %s host "
			    "(host %s)", e->param->key, tunable_stack_name(
			    (enum tunable_stack)r->hosts[tmp.host].tun.stack),
			    e->host);
		tmp.key = e->param->key;
		tmp.tunable = e->param->tun;
		tmp.value = pv.i;
		/* HOST-6: the host's boot hz rules out a long msl. */
		if (tmp.tunable->check_with != NULL &&
		    tmp.tunable->check_with(&r->hosts[tmp.host].tun, pv.i,
		    msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
			    entry_text(e, b->pt), e->key, s->title, msg);
		if (tmp.tunable->type == TUNABLE_T_PORTRANGE) {
			tmp.value = pv.first;
			ch[n++] = tmp;
			tmp.index = 1;
			tmp.value = pv.last;
		}
		ch[n++] = tmp;
	}
	/* Stable insertion sort by time: file order within one time. */
	for (i = 1; i < n; i++) {
		tmp = ch[i];
		for (k = i; k > 0 && ch[k - 1].at > tmp.at; k--)
			ch[k] = ch[k - 1];
		ch[k] = tmp;
	}
	r->changes = ch;
	r->nchanges = n;
	return 0;
}

/* Build run r of sweep point pt, repetition rep. */
int
build_run(struct loader *ld, const struct point *pt, struct scenario_run *r)
{
	struct builder b;
	int s;

	memset(&b, 0, sizeof(b));
	b.ld = ld;
	b.run = r;
	b.pt = pt;
	s = ld_find_section(ld, PARAM_SEC_RUN, NULL);
	if (build_run_section(&b, (size_t)s) != 0 || build_hosts(&b) != 0 ||
	    build_paths(&b) != 0 || build_workloads(&b) != 0 ||
	    build_changes(&b) != 0)
		return -1;
	r->params = b.params;
	r->nparams = b.nparams;
	r->label = pt->label;
	switch (r->connections) {
	case SCENARIO_CONN_YES:
		r->record_connections = 1;
		break;
	case SCENARIO_CONN_NO:
		r->record_connections = 0;
		break;
	default:
		r->record_connections =
		    r->expected_connections < AUTO_RECORD_LIMIT;
		break;
	}
	return 0;
}

