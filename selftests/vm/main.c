// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_test: the in-VM test runner.
 *
 *   kbpf_test [-l] [-k] [-t PATTERN[,PATTERN...]] [-x PATTERN[,...]] [-o FILE]
 *
 *   -l   list the tests (those -t/-x select) and exit
 *   -t   run only the tests whose name matches one PATTERN (a shell glob, or
 *        a substring of the name)
 *   -x   leave out the tests whose name matches one PATTERN (same rules);
 *        `make check` runs smp_* in a boot of their own
 *   -o   also append the PASS/FAIL lines to FILE (the host reads it over 9p)
 *   -k   self-test of the suite: the "kbpf" backend calls bpf(2) as well, so
 *        every oracle comparison must hold and every fixed expectation is
 *        checked against the guest kernel (device/module tests fail here)
 *
 * Prints "PASS: <name>" or "FAIL: <name> (<reason>)" per test and "# ..."
 * diagnostics. Exits 0 only if at least one test ran and none failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/wait.h>
#include "kbpf_test.h"

static const struct kt_test tests[] = {
#define KT(n) { #n, test_##n },
#include "tests.def"
#undef KT
};

static int out_fd = -1;		/* -o FILE */
static int reason_fd = -1;	/* child: write end of the reason pipe */
static bool cur_failed;
static const char *cur_name;

/* One whole line to stdout and the -o file, with a single write each. */
static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0) { /* nothing useful to do */ }
	if (out_fd >= 0 && write(out_fd, buf, n) < 0) { /* idem */ }
}

void kt_info(const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit("# %s: %s", cur_name ? cur_name : "kbpf_test", msg);
}

static void vfail(const char *file, int line, const char *fmt, va_list ap)
{
	char msg[1024], full[1280];
	const char *base = strrchr(file, '/');

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(full, sizeof(full), "%s:%d: %s", base ? base + 1 : file, line, msg);
	kt_info("%s", full);
	if (!cur_failed && reason_fd >= 0) {
		if (write(reason_fd, full, strlen(full)) < 0) { /* ignore */ }
	}
	cur_failed = true;
}

void kt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(file, line, fmt, ap);
	va_end(ap);
}

void kt_fatal(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(file, line, fmt, ap);
	va_end(ap);
	kbpf_dev_close();
	_exit(1);
}

/* Does name match one pattern of the list (a glob or a substring)? */
static bool matches(const char *name, const char *list)
{
	char buf[512], *save = NULL, *pat;

	snprintf(buf, sizeof(buf), "%s", list);
	for (pat = strtok_r(buf, ", ", &save); pat; pat = strtok_r(NULL, ", ", &save))
		if (!fnmatch(pat, name, 0) || strstr(name, pat))
			return true;
	return false;
}

static bool selected(const char *name, const char *filter, const char *exclude)
{
	if (exclude && *exclude && matches(name, exclude))
		return false;
	return !filter || !*filter || matches(name, filter);
}

/* Run one test in a child; returns true if it passed. */
static bool run_one(const struct kt_test *t)
{
	char reason[1024] = "";
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd)) {
		emit("FAIL: %s (pipe: %s)", t->name, strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		emit("FAIL: %s (fork: %s)", t->name, strerror(errno));
		return false;
	}
	if (pid == 0) {
		close(pfd[0]);
		reason_fd = pfd[1];
		cur_name = t->name;
		cur_failed = false;
		alarm(300);
		t->fn();
		kbpf_dev_close();
		_exit(cur_failed ? 1 : 0);
	}
	close(pfd[1]);
	while (got < sizeof(reason) - 1 &&
	       (n = read(pfd[0], reason + got, sizeof(reason) - 1 - got)) > 0)
		got += n;
	reason[got] = 0;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !got) {
		emit("PASS: %s", t->name);
		return true;
	}
	if (WIFSIGNALED(status))
		emit("FAIL: %s (killed by signal %d (%s)%s%s)", t->name,
		     WTERMSIG(status), strsignal(WTERMSIG(status)),
		     WTERMSIG(status) == SIGALRM ? ", timeout 300 s" : "",
		     got ? "; first failure: " : "");
	if (WIFSIGNALED(status) && got)
		emit("# %s: first failure: %s", t->name, reason);
	if (!WIFSIGNALED(status))
		emit("FAIL: %s (%s)", t->name, got ? reason : "exited non-zero without a reason");
	return false;
}

int main(int argc, char **argv)
{
	const char *filter = NULL, *exclude = NULL, *out = NULL;
	int opt, passed = 0, failed = 0;
	bool list = false;
	size_t i;

	while ((opt = getopt(argc, argv, "lkt:x:o:h")) != -1) {
		switch (opt) {
		case 'l': list = true; break;
		case 'k': kt_kernel_as_kbpf = true; break;
		case 't': filter = optarg; break;
		case 'x': exclude = optarg; break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-l] [-k] [-t PATTERN[,PATTERN...]] "
				"[-x PATTERN[,PATTERN...]] [-o FILE]\n", argv[0]);
			return 2;
		}
	}
	if (list) {
		for (i = 0; i < ARRAY_SIZE(tests); i++)
			if (selected(tests[i].name, filter, exclude))
				printf("%s\n", tests[i].name);
		return 0;
	}
	if (out) {
		out_fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			fprintf(stderr, "kbpf_test: open %s: %s\n", out, strerror(errno));
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!selected(tests[i].name, filter, exclude))
			continue;
		if (run_one(&tests[i]))
			passed++;
		else
			failed++;
	}
	if (!passed && !failed) {
		emit("FAIL: filter (no test matches '%s'; see kbpf_test -l)", filter ? filter : "");
		failed++;
	}
	emit("# kbpf_test: %d passed, %d failed", passed, failed);
	return failed ? 1 : 0;
}
