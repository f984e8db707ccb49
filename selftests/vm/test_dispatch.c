// SPDX-License-Identifier: GPL-2.0
/*
 * The device node and the ioctl dispatcher: errno rules of bpf(2)'s entry
 * (unknown command, oversized attr, bad pointers), checked against the guest
 * kernel where it can answer.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "kbpf_test.h"

void test_dev_node(void)
{
	struct stat st;
	char buf[64];
	FILE *f;
	int fd;

	REQUIRE(stat(KBPF_DEVICE_PATH, &st) == 0, "stat %s: %s", KBPF_DEVICE_PATH,
		strerror(errno));
	CHECK(S_ISCHR(st.st_mode), "%s is not a character device (mode %o)",
	      KBPF_DEVICE_PATH, st.st_mode);
	CHECK((st.st_mode & 07777) == 0600, "%s has mode %04o, expected 0600",
	      KBPF_DEVICE_PATH, st.st_mode & 07777);
	CHECK(st.st_uid == 0 && st.st_gid == 0, "%s owned by %u:%u, expected 0:0",
	      KBPF_DEVICE_PATH, st.st_uid, st.st_gid);
	f = fopen("/sys/module/kbpf/refcnt", "re");
	CHECK(f, "/sys/module/kbpf/refcnt missing (module not named kbpf?)");
	if (f) {
		CHECK(fgets(buf, sizeof(buf), f), "read refcnt");
		fclose(f);
	}
	fd = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	REQUIRE(fd >= 0, "open %s: %s", KBPF_DEVICE_PATH, strerror(errno));
	close(fd);
	fd = open(KBPF_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open %s O_RDONLY: %s", KBPF_DEVICE_PATH, strerror(errno));
	if (fd >= 0)
		close(fd);
}

void test_dispatch_unknown_cmd(void)
{
	static const int cmds[] = { 999, 0x7fffffff, -1, 1000 };
	union bpf_attr a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		long kb, kr;
		char what[64];

		memset(&a, 0, sizeof(a));
		kb = kbpf_call(cmds[i], &a, sizeof(a)) < 0 ? -errno : 0;
		memset(&a, 0, sizeof(a));
		kr = sys_bpf(cmds[i], &a, sizeof(a)) < 0 ? -errno : 0;
		snprintf(what, sizeof(what), "cmd %d", cmds[i]);
		SAME_RES(what, kb, kr);
		EXPECT_RES(what, kb, EINVAL);
	}
}

void test_dispatch_bad_ioctl(void)
{
	struct kbpf_call call = { .cmd = BPF_MAP_CREATE };
	int fd = kbpf_dev();

	errno = 0;
	CHECK(ioctl(fd, _IOW(KBPF_IOC_MAGIC, 2, struct kbpf_call), &call) < 0 &&
	      errno == ENOTTY, "unknown ioctl nr: got %s, expected ENOTTY",
	      errno ? kt_errname(errno) : "success");
	errno = 0;
	CHECK(ioctl(fd, _IOW('x', 1, struct kbpf_call), &call) < 0 && errno == ENOTTY,
	      "foreign ioctl magic: got %s, expected ENOTTY",
	      errno ? kt_errname(errno) : "success");
}

/* Build a valid ARRAY map attr at the start of buf. */
static void array_attr(void *buf)
{
	union bpf_attr *a = buf;

	a->map_type = BPF_MAP_TYPE_ARRAY;
	a->key_size = 4;
	a->value_size = 8;
	a->max_entries = 4;
}

void test_dispatch_attr_e2big(void)
{
	static unsigned char buf[2][8192];
	static const struct { unsigned int size; int tail_at; } cases[] = {
		{ sizeof(union bpf_attr) + 8, -1 },	/* zero tail: accepted */
		{ sizeof(union bpf_attr) + 8, sizeof(union bpf_attr) + 3 },
		{ sizeof(union bpf_attr) + 1, sizeof(union bpf_attr) },
		{ 4096, 4095 },
		{ 4096, -1 },
		{ 4097, -1 },				/* > PAGE_SIZE */
	};
	__u32 before[256], after[256];
	int nb, na, created = 0;
	size_t i;

	nb = b_ids(&be_kbpf, BPF_MAP_GET_NEXT_ID, before, 256);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		long r[2];
		char what[80];
		int k;

		for (k = 0; k < 2; k++) {
			memset(buf[k], 0, sizeof(buf[k]));
			array_attr(buf[k]);
			if (cases[i].tail_at >= 0)
				buf[k][cases[i].tail_at] = 0x5a;
			r[k] = backends[k]->call(BPF_MAP_CREATE, (void *)buf[k], cases[i].size);
			r[k] = r[k] < 0 ? -errno : r[k];
			if (r[k] >= 0)
				close(r[k]);
		}
		if (r[0] >= 0)
			created++;
		snprintf(what, sizeof(what), "MAP_CREATE size %u, non-zero byte at %d",
			 cases[i].size, cases[i].tail_at);
		SAME_RES(what, r[0], r[1]);
		if (cases[i].tail_at >= (int)sizeof(union bpf_attr))
			EXPECT_RES(what, r[0], E2BIG);
	}
	/* Everything was closed again: the id list must be back where it was. */
	for (i = 0; i < 50; i++) {
		na = b_ids(&be_kbpf, BPF_MAP_GET_NEXT_ID, after, 256);
		if (na == nb)
			break;
		usleep(20000);
	}
	CHECK(na == nb, "map ids: %d before, %d after (%d maps created and closed)",
	      nb, na, created);
}

void test_dispatch_attr_efault(void)
{
	static const unsigned int sizes[] = { 4, sizeof(union bpf_attr) };
	void *bad[] = { (void *)1, (void *)0xffff800000000000ul };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			long kb, kr;
			char what[80];

			kb = kbpf_call(BPF_MAP_CREATE, bad[j], sizes[i]) < 0 ? -errno : 0;
			kr = sys_bpf(BPF_MAP_CREATE, bad[j], sizes[i]) < 0 ? -errno : 0;
			snprintf(what, sizeof(what), "attr %p size %u", bad[j], sizes[i]);
			SAME_RES(what, kb, kr);
			EXPECT_RES(what, kb, EFAULT);
		}
	}
}

void test_dispatch_call_efault(void)
{
	int fd = kbpf_dev();

	errno = 0;
	CHECK(ioctl(fd, KBPF_IOC_CALL, (void *)1) < 0 && errno == EFAULT,
	      "ioctl(KBPF_IOC_CALL, (void *)1): got %s, expected EFAULT",
	      errno ? kt_errname(errno) : "success");
	errno = 0;
	CHECK(ioctl(fd, KBPF_IOC_CALL, NULL) < 0 && errno == EFAULT,
	      "ioctl(KBPF_IOC_CALL, NULL): got %s, expected EFAULT",
	      errno ? kt_errname(errno) : "success");
}

/* A short attr (older userspace) is zero-extended, as by bpf(2). */
void test_dispatch_attr_short(void)
{
	static const unsigned int sizes[] = {
		offsetof(union bpf_attr, map_flags) + 4,
		offsetof(union bpf_attr, map_name),
		0,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		long r[2];
		int k;
		char what[64];

		for (k = 0; k < 2; k++) {
			union bpf_attr a;

			memset(&a, 0, sizeof(a));
			array_attr(&a);
			memset(a.map_name, 'x', sizeof(a.map_name));	/* beyond size: ignored */
			r[k] = backends[k]->call(BPF_MAP_CREATE, &a, sizes[i]);
			r[k] = r[k] < 0 ? -errno : r[k];
			if (r[k] >= 0)
				close(r[k]);
		}
		snprintf(what, sizeof(what), "MAP_CREATE with attr size %u", sizes[i]);
		SAME_RES(what, r[0], r[1]);
	}
}
