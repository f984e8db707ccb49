// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege checks (as bpf(2) with the guest's default sysctls) and module
 * lifetime (open fds, pins and a mounted kbpffs pin the module; unload and
 * reload work once they are gone).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "kbpf_test.h"

#define SF BPF_PROG_TYPE_SOCKET_FILTER

/* The same privileged commands on both backends, with pre-made map fds. */
static void compare_privileged_cmds(const char *who, int map_kb, int map_kr)
{
	__u32 key = 0, next;
	__u64 val;
	int k, r[2];

	for (k = 0; k < 2; k++) {
		r[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	kt_info("%s: MAP_CREATE kbpf %s, kernel %s", who, kt_res(r[0]), kt_res(r[1]));
	SAME_RES("MAP_CREATE", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		r[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	kt_info("%s: PROG_LOAD kbpf %s, kernel %s", who, kt_res(r[0]), kt_res(r[1]));
	SAME_RES("PROG_LOAD", r[0], r[1]);
	for (k = 0; k < 2; k++)
		r[k] = b_next_id(backends[k], BPF_MAP_GET_NEXT_ID, 0, &next);
	SAME_RES("MAP_GET_NEXT_ID", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		/* ENOENT or an fd are both fine here: only EPERM is compared */
		r[k] = b_fd_by_id(backends[k], BPF_PROG_GET_FD_BY_ID, 1);
		if (r[k] >= 0)
			close(r[k]);
		r[k] = r[k] == -EPERM ? -EPERM : 0;
	}
	SAME_RES("PROG_GET_FD_BY_ID (EPERM or not)", r[0], r[1]);
	r[0] = b_map_lookup(&be_kbpf, map_kb, &key, &val);
	r[1] = b_map_lookup(&be_kernel, map_kr, &key, &val);
	SAME_RES("MAP_LOOKUP_ELEM on a map created before", r[0], r[1]);
}

void test_priv_nobody(void)
{
	int map_kb, map_kr, fd, k, r[2];

	kbpf_dev();	/* opened as root, kept */
	map_kb = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	map_kr = b_map_create(&be_kernel, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	REQUIRE(map_kb >= 0 && map_kr >= 0, "create as root: %s %s", kt_res(map_kb),
		kt_res(map_kr));
	REQUIRE(setgroups(0, NULL) == 0, "setgroups: %s", strerror(errno));
	REQUIRE(setresgid(65534, 65534, 65534) == 0, "setresgid: %s", strerror(errno));
	REQUIRE(setresuid(65534, 65534, 65534) == 0, "setresuid: %s", strerror(errno));

	for (k = 0; k < 2; k++) {
		r[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	EXPECT_RES("MAP_CREATE as nobody", r[0], EPERM);
	for (k = 0; k < 2; k++) {
		r[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	EXPECT_RES("PROG_LOAD as nobody", r[0], EPERM);
	compare_privileged_cmds("nobody", map_kb, map_kr);

	errno = 0;
	fd = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	CHECK(fd < 0 && errno == EACCES, "open %s as nobody: %s, expected EACCES",
	      KBPF_DEVICE_PATH, fd >= 0 ? "success" : kt_errname(errno));
	if (fd >= 0)
		close(fd);
}

void test_priv_no_caps(void)
{
	int map_kb, map_kr, r[2], k;

	kbpf_dev();
	map_kb = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	map_kr = b_map_create(&be_kernel, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	REQUIRE(map_kb >= 0 && map_kr >= 0, "create as root: %s %s", kt_res(map_kb),
		kt_res(map_kr));
	kt_set_caps(0);
	for (k = 0; k < 2; k++) {
		r[k] = b_map_create(backends[k], BPF_MAP_TYPE_HASH, 4, 8, 1, 0, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	EXPECT_RES("MAP_CREATE as root without capabilities", r[0], EPERM);
	for (k = 0; k < 2; k++) {
		r[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	EXPECT_RES("PROG_LOAD as root without capabilities", r[0], EPERM);
	compare_privileged_cmds("uid 0, no caps", map_kb, map_kr);
}

void test_priv_cap_bpf_only(void)
{
	int map_kb, map_kr;

	kbpf_dev();
	map_kb = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	map_kr = b_map_create(&be_kernel, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	REQUIRE(map_kb >= 0 && map_kr >= 0, "create as root: %s %s", kt_res(map_kb),
		kt_res(map_kr));
	kt_set_caps(KT_CAP(BPF));
	compare_privileged_cmds("CAP_BPF only", map_kb, map_kr);
}

/* ---- module lifetime (must be the last test) -------------------------------- */

#define KBPFFS_PIN	KBPF_FS_DIR "/kt_lifetime"

void test_module_lifetime(void)
{
	struct stat st;
	long r;
	int dev, map;

	/*
	 * unprivileged_bpf_disabled = 1 locks the parameter until the reload
	 * below (as the sysctl until reboot); root is unaffected.
	 */
	EXPECT_RES("unprivileged_bpf_disabled = 1", kt_set_param("unprivileged_bpf_disabled", "1"),
		   0);
	EXPECT_RES("unprivileged_bpf_disabled 1 -> 0", kt_set_param("unprivileged_bpf_disabled", "0"),
		   EPERM);
	EXPECT_RES("unprivileged_bpf_disabled 1 -> 2", kt_set_param("unprivileged_bpf_disabled", "2"),
		   EPERM);
	EXPECT_RES("unprivileged_bpf_disabled 1 -> 1", kt_set_param("unprivileged_bpf_disabled", "1"),
		   0);

	dev = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	REQUIRE(dev >= 0, "open %s: %s", KBPF_DEVICE_PATH, strerror(errno));
	r = kt_delete_module();
	REQUIRE(r != 0, "delete_module succeeded while /dev/kbpf was open");
	CHECK(kt_module_busy(r), "delete_module with /dev/kbpf open: %s, expected EWOULDBLOCK/EBUSY",
	      kt_res(r));

	{
		union bpf_attr a;
		struct kbpf_call call;

		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_HASH;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 4;
		call.cmd = BPF_MAP_CREATE;
		call.size = sizeof(a);
		call.attr = (__u64)(unsigned long)&a;
		map = ioctl(dev, KBPF_IOC_CALL, &call);
	}
	REQUIRE(map >= 0, "MAP_CREATE: %s", strerror(errno));
	close(dev);
	r = kt_delete_module();
	REQUIRE(r != 0, "delete_module succeeded while a kbpf map fd was open");
	CHECK(kt_module_busy(r), "delete_module with a map fd open: %s, expected EWOULDBLOCK/EBUSY",
	      kt_res(r));

	/*
	 * kbpffs (mounted at /sys/fs/kbpf by the VM's init): a pin keeps the
	 * map with no fd open, and a mounted instance pins the module even
	 * when it is empty; umount releases both.
	 */
	r = b_pin(&be_kbpf, map, KBPFFS_PIN);
	REQUIRE(r == 0, "BPF_OBJ_PIN %s: %s", KBPFFS_PIN, kt_res(r));
	close(map);
	kbpf_dev_close();
	r = kt_delete_module();
	REQUIRE(r != 0, "delete_module succeeded while a map was pinned");
	CHECK(kt_module_busy(r), "delete_module with a pinned map: %s, expected EWOULDBLOCK/EBUSY",
	      kt_res(r));
	CHECK(unlink(KBPFFS_PIN) == 0, "unlink %s: %s", KBPFFS_PIN, strerror(errno));
	r = kt_delete_module();
	REQUIRE(r != 0, "delete_module succeeded while kbpffs was mounted");
	CHECK(kt_module_busy(r), "delete_module with kbpffs mounted: %s, expected EWOULDBLOCK/EBUSY",
	      kt_res(r));
	kt_module_unload();
	CHECK(stat("/sys/module/kbpf", &st) < 0, "/sys/module/kbpf still exists after unload");
	CHECK(stat(KBPF_FS_DIR, &st) < 0, "mount point %s still exists after unload", KBPF_FS_DIR);
	kt_module_load();
	CHECK(stat(KBPFFS_PIN, &st) < 0 && errno == ENOENT, "%s exists in a new instance",
	      KBPFFS_PIN);
	{
		char val[8] = "";
		FILE *f = fopen("/sys/module/kbpf/parameters/unprivileged_bpf_disabled", "r");

		CHECK(f && fgets(val, sizeof(val), f) && atoi(val) == 2,
		      "unprivileged_bpf_disabled after reload: '%s', want 2", val);
		if (f)
			fclose(f);
	}
	map = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_reload");
	CHECK(map >= 0, "MAP_CREATE after reload: %s", kt_res(map));
	if (map >= 0)
		close(map);
	kbpf_dev_close();
}
