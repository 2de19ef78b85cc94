/*
 * twload.c -- the load generator of the real-kernel harness
 * (tests/kernel/check-kernel.sh, `make check-kernel`).
 *
 * It plays a twsim scenario against the kernel it runs on, inside a network
 * namespace the harness has set up: one host, a server listening on ADDR:PORT
 * (a child process), and a client that calls connect() without bind() at a
 * constant rate, sends a request, reads the response and closes first, so
 * each connection leaves its TIME_WAIT on the client side.  With -c MS
 * the server closes that long after the client's FIN (twsim's workload
 * close_delay), so the client waits in FIN_WAIT_2 meanwhile.  Meanwhile it
 * polls /proc/net/tcp to time every client TIME_WAIT entry from its first
 * sighting to its disappearance, and reads the TcpExt counters of
 * /proc/net/netstat at the end.
 *
 * Output: one "key value" line per measurement on stdout (the harness
 * parses it); times are seconds from the first arrival.  It runs for a
 * fixed duration and always ends.
 */
#define _GNU_SOURCE		/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NPORTS		65536
#define POLL_NS		20000000LL	/* /proc/net/tcp every 20 ms */
#define MAX_CONNS	16384		/* server-side sockets at once */

struct options {
	const char	*addr;
	int		 port;
	double		 rate;		/* connections per second */
	double		 duration;	/* seconds */
	int		 request;	/* bytes */
	int		 response;	/* bytes */
	long long	 close_delay;	/* ns: the server's, after EOF */
};

struct lifetimes {
	double		*v;
	size_t		 n, cap;
};

struct measure {
	long long	 t0;			/* ns, CLOCK_MONOTONIC */
	long		 attempts, ok, addrnotavail, other_err;
	double		 first_addrnotavail;	/* < 0: none */
	long		 ok_after_first_fail;
	int		 late;			/* arrivals started > 1 ms late */
	double		 late_max;		/* seconds */
	unsigned char	 port_used[NPORTS];
	int		 ports_used;
	int		 first_ports[50];	/* first 50 distinct ports */
	int		 nfirst;
	long long	 tw_seen[NPORTS];	/* ns of first sighting, 0: none */
	unsigned long	 tw_when[NPORTS];	/* timer left at last sighting */
	int		 tw_now;		/* TIME_WAIT entries at last poll */
	int		 tw_peak;
	struct lifetimes life;
};

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

static void
sleep_until(long long t)
{
	struct timespec ts;

	ts.tv_sec = t / 1000000000LL;
	ts.tv_nsec = t % 1000000000LL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

static void
die(const char *what)
{

	fprintf(stderr, "twload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * The server: accept, read the request, write the response, close on the
 * client's EOF (so the server closes second and holds no TIME_WAIT) --
 * or close_delay after it.
 */
struct sconn {
	int	fd;
	int	got;		/* request bytes read */
	int	answered;
	long long close_at;	/* ns; 0: not at EOF yet */
};

/* Close the connections whose delayed close is due; the next one's time. */
static long long
server_close_due(struct sconn *conns, int *npending)
{
	long long now = now_ns(), next = 0;
	int j;

	if (*npending == 0)
		return (0);
	for (j = 0; j < MAX_CONNS; j++) {
		if (conns[j].fd < 0 || conns[j].close_at == 0)
			continue;
		if (conns[j].close_at <= now) {
			close(conns[j].fd);
			conns[j].fd = -1;
			conns[j].close_at = 0;
			(*npending)--;
		} else if (next == 0 || conns[j].close_at < next)
			next = conns[j].close_at;
	}
	return (next);
}

static void
server_run(int lfd, const struct options *o)
{
	static struct sconn conns[MAX_CONNS];
	struct epoll_event ev, evs[256];
	char buf[65536];
	long long next;
	int ep, i, n, npending = 0, timeout;

	memset(buf, 'r', sizeof(buf));
	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.u32 = MAX_CONNS;		/* the listener */
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		die("epoll_ctl");
	for (i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	for (;;) {
		next = server_close_due(conns, &npending);
		timeout = next == 0 ? -1 :
		    (int)((next - now_ns()) / 1000000LL) + 1;
		n = epoll_wait(ep, evs, 256, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			uint32_t k = evs[i].data.u32;

			if (k == MAX_CONNS) {
				int fd, j;

				while ((fd = accept4(lfd, NULL, NULL,
				    SOCK_NONBLOCK)) >= 0) {
					for (j = 0; j < MAX_CONNS &&
					    conns[j].fd >= 0; j++)
						;
					if (j == MAX_CONNS) {
						close(fd);
						continue;
					}
					conns[j].fd = fd;
					conns[j].got = 0;
					conns[j].answered = 0;
					conns[j].close_at = 0;
					ev.events = EPOLLIN;
					ev.data.u32 = (uint32_t)j;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			for (;;) {
				ssize_t r = read(conns[k].fd, buf, sizeof(buf));

				if (r > 0) {
					conns[k].got += (int)r;
					if (!conns[k].answered &&
					    conns[k].got >= o->request) {
						(void)write(conns[k].fd, buf,
						    (size_t)o->response);
						conns[k].answered = 1;
					}
					continue;
				}
				if (r < 0 && (errno == EAGAIN ||
				    errno == EINTR))
					break;
				/* EOF (the client's FIN) or an error. */
				if (r == 0 && o->close_delay > 0) {
					epoll_ctl(ep, EPOLL_CTL_DEL,
					    conns[k].fd, NULL);
					conns[k].close_at = now_ns() +
					    o->close_delay;
					npending++;
					break;
				}
				close(conns[k].fd);
				conns[k].fd = -1;
				break;
			}
		}
	}
}

static void
lifetimes_add(struct lifetimes *l, double v)
{

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			die("realloc");
	}
	l->v[l->n++] = v;
}

/*
 * One pass over /proc/net/tcp: every client-side entry in TIME_WAIT
 * (st 06) whose peer is the server.  An entry seen for the first time
 * starts its clock; one no longer seen (expired, or taken over by a new
 * connection) ends it.  A port can go from one TIME_WAIT to the next
 * between two polls (a takeover by tcp_tw_reuse, then a quick close): the
 * timer column (time left, in USER_HZ ticks) then goes up instead of down,
 * which ends the old entry and starts the new one.
 */
static void
poll_timewait(struct measure *m, uint32_t srv_addr_hex, int srv_port)
{
	static unsigned char seen[NPORTS];
	char line[512];
	long long t = now_ns();
	FILE *f;
	int p, count = 0;

	memset(seen, 0, sizeof(seen));
	f = fopen("/proc/net/tcp", "r");
	if (f == NULL)
		die("/proc/net/tcp");
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned la, lp, ra, rp, st, tr;
		unsigned long when;

		if (sscanf(line, "%*d: %x:%x %x:%x %x %*x:%*x %x:%lx", &la,
		    &lp, &ra, &rp, &st, &tr, &when) != 7)
			continue;
		if (st != 0x06 || ra != srv_addr_hex || (int)rp != srv_port)
			continue;
		seen[lp] = 1;
		count++;
		if (m->tw_seen[lp] != 0 && when > m->tw_when[lp] + 2) {
			lifetimes_add(&m->life,
			    (double)(t - m->tw_seen[lp]) / 1e9);
			m->tw_seen[lp] = 0;
		}
		if (m->tw_seen[lp] == 0)
			m->tw_seen[lp] = t;
		m->tw_when[lp] = when;
	}
	fclose(f);
	for (p = 0; p < NPORTS; p++) {
		if (m->tw_seen[p] != 0 && !seen[p]) {
			lifetimes_add(&m->life,
			    (double)(t - m->tw_seen[p]) / 1e9);
			m->tw_seen[p] = 0;
		}
	}
	m->tw_now = count;
	if (count > m->tw_peak)
		m->tw_peak = count;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* One client connection: connect without bind, request, response, close. */
static void
client_once(struct measure *m, const struct sockaddr_in *srv,
    const struct options *o, long long t_arrival)
{
	struct sockaddr_in me;
	socklen_t melen = sizeof(me);
	struct timeval tv = { 2, 0 };
	char buf[65536];
	int fd, got = 0;

	memset(buf, 'q', sizeof(buf));
	m->attempts++;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)srv, sizeof(*srv)) < 0) {
		if (errno == EADDRNOTAVAIL) {
			m->addrnotavail++;
			if (m->first_addrnotavail < 0)
				m->first_addrnotavail =
				    (double)(t_arrival - m->t0) / 1e9;
		} else
			m->other_err++;
		close(fd);
		return;
	}
	if (getsockname(fd, (struct sockaddr *)&me, &melen) == 0) {
		int p = ntohs(me.sin_port);

		if (!m->port_used[p]) {
			m->port_used[p] = 1;
			m->ports_used++;
			if (m->nfirst < 50)
				m->first_ports[m->nfirst++] = p;
		}
	}
	if (write(fd, buf, (size_t)o->request) != o->request) {
		m->other_err++;
		close(fd);
		return;
	}
	while (got < o->response) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r <= 0)
			break;
		got += (int)r;
	}
	close(fd);			/* the client's FIN goes first */
	if (got < o->response) {
		m->other_err++;
		return;
	}
	m->ok++;
	if (m->first_addrnotavail >= 0)
		m->ok_after_first_fail++;
}

/* TcpExt counters named in `names` from /proc/net/netstat. */
static void
print_netstat(const char *const *names)
{
	char hdr[8192], val[8192];
	FILE *f = fopen("/proc/net/netstat", "r");

	if (f == NULL)
		die("/proc/net/netstat");
	while (fgets(hdr, sizeof(hdr), f) != NULL &&
	    fgets(val, sizeof(val), f) != NULL) {
		char *hs, *vs, *h, *v;
		const char *const *n;

		if (strncmp(hdr, "TcpExt:", 7) != 0)
			continue;
		h = strtok_r(hdr + 7, " \n", &hs);
		v = strtok_r(val + 7, " \n", &vs);
		while (h != NULL && v != NULL) {
			for (n = names; *n != NULL; n++)
				if (strcmp(*n, h) == 0)
					printf("netstat_%s %s\n", h, v);
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
	}
	fclose(f);
}

static void
usage(void)
{

	fprintf(stderr, "usage: twload -a ADDR -p PORT -r RATE -d SECONDS "
	    "[-q REQUEST_BYTES] [-s RESPONSE_BYTES] [-c CLOSE_DELAY_MS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const char *const counters[] = { "TW", "TWRecycled",
	    "TWKilled", "TCPTimeWaitOverflow", "PAWSTimewait", NULL };
	static struct measure m;
	struct options o = { "127.0.0.1", 5000, 200, 10, 100, 100, 0 };
	struct sockaddr_in srv;
	long long next_arrival, next_poll, end, period;
	double sum = 0, steady_span;
	pid_t child;
	int c, lfd, one = 1;
	size_t i;

	while ((c = getopt(argc, argv, "a:p:r:d:q:s:c:")) != -1) {
		switch (c) {
		case 'a': o.addr = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'r': o.rate = atof(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'q': o.request = atoi(optarg); break;
		case 's': o.response = atoi(optarg); break;
		case 'c': o.close_delay = atoll(optarg) * 1000000LL; break;
		default: usage();
		}
	}
	if (o.rate <= 0 || o.duration <= 0 || o.port <= 0 ||
	    o.port > 65535 || o.request < 1 || o.request > 65536 ||
	    o.response < 1 || o.response > 65536 || o.close_delay < 0)
		usage();
	memset(&srv, 0, sizeof(srv));
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)o.port);
	if (inet_pton(AF_INET, o.addr, &srv.sin_addr) != 1)
		usage();

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		die("bind");
	if (listen(lfd, 4096) < 0)
		die("listen");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		server_run(lfd, &o);
		_exit(0);
	}
	close(lfd);

	m.first_addrnotavail = -1;
	period = (long long)(1e9 / o.rate);
	m.t0 = now_ns() + 50000000LL;	/* let the server reach epoll_wait */
	end = m.t0 + (long long)(o.duration * 1e9);
	next_arrival = m.t0;
	next_poll = m.t0;
	while (next_arrival < end) {
		long long t = next_poll < next_arrival ? next_poll :
		    next_arrival;

		sleep_until(t);
		if (next_poll <= t) {
			/* srv.sin_addr as /proc/net/tcp prints it: the
			 * 32-bit word in host order, in hex. */
			poll_timewait(&m, srv.sin_addr.s_addr, o.port);
			next_poll += POLL_NS;
			continue;
		}
		{
			long long lag = now_ns() - next_arrival;

			if (lag > 1000000LL)
				m.late++;
			if ((double)lag / 1e9 > m.late_max)
				m.late_max = (double)lag / 1e9;
		}
		client_once(&m, &srv, &o, next_arrival);
		next_arrival += period;
	}
	poll_timewait(&m, srv.sin_addr.s_addr, o.port);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);

	printf("rate %g\nduration %g\n", o.rate, o.duration);
	printf("attempts %ld\nok %ld\naddrnotavail %ld\nother_errors %ld\n",
	    m.attempts, m.ok, m.addrnotavail, m.other_err);
	printf("late_arrivals %d\nlate_max_s %.3f\n", m.late, m.late_max);
	if (m.first_addrnotavail >= 0) {
		printf("first_addrnotavail_s %.3f\n", m.first_addrnotavail);
		steady_span = o.duration - m.first_addrnotavail;
		printf("steady_ok_per_s %.2f\n",
		    (double)m.ok_after_first_fail / steady_span);
	} else {
		printf("first_addrnotavail_s none\n");
		printf("steady_ok_per_s %.2f\n", (double)m.ok / o.duration);
	}
	printf("ports_used %d\n", m.ports_used);
	{
		int even = 0, k;

		for (k = 0; k < m.nfirst; k++)
			even += m.first_ports[k] % 2 == 0;
		printf("first_ports_even %d/%d\n", even, m.nfirst);
	}
	printf("tw_peak %d\ntw_at_end %d\n", m.tw_peak, m.tw_now);
	printf("tw_lifetimes %zu\n", m.life.n);
	if (m.life.n > 0) {
		qsort(m.life.v, m.life.n, sizeof(double), cmp_double);
		for (i = 0; i < m.life.n; i++)
			sum += m.life.v[i];
		printf("tw_life_min_s %.3f\n", m.life.v[0]);
		printf("tw_life_mean_s %.3f\n", sum / (double)m.life.n);
		printf("tw_life_p50_s %.3f\n", m.life.v[m.life.n / 2]);
		printf("tw_life_p99_s %.3f\n",
		    m.life.v[(m.life.n * 99) / 100 < m.life.n ?
		    (m.life.n * 99) / 100 : m.life.n - 1]);
		printf("tw_life_max_s %.3f\n", m.life.v[m.life.n - 1]);
	}
	print_netstat(counters);
	free(m.life.v);
	return (0);
}
