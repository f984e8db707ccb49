// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf(2) entry point: attr size handling, the per-call capability
 * gate, and the switch from command number to command.
 */
#include <linux/capability.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

int kbpf_sys_bpf(u32 cmd, union bpf_attr __user *uattr, u32 size)
{
	union bpf_attr attr;
	int err;

	/*
	 * As Linux 6.1's __sys_bpf(): unless unprivileged_bpf_disabled is 0
	 * (priv.c), creating maps and loading programs needs CAP_BPF (or
	 * CAP_SYS_ADMIN). The other commands work on objects the caller
	 * already has an fd for, or check their own capability; map types
	 * and program types check theirs again at creation.
	 */
	if (!kbpf_may_create_objects() && (cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD))
		return -EPERM;

	err = kbpf_check_uarg_tail_zero(uattr, sizeof(attr), size);
	if (err)
		return err;
	size = min_t(u32, size, sizeof(attr));

	memset(&attr, 0, sizeof(attr));
	if (copy_from_user(&attr, uattr, size))
		return -EFAULT;

	switch (cmd) {
	case BPF_MAP_CREATE:
		err = kbpf_cmd_map_create(&attr);
		break;
	case BPF_MAP_LOOKUP_ELEM:
		err = kbpf_cmd_map_lookup_elem(&attr);
		break;
	case BPF_MAP_UPDATE_ELEM:
		err = kbpf_cmd_map_update_elem(&attr);
		break;
	case BPF_MAP_DELETE_ELEM:
		err = kbpf_cmd_map_delete_elem(&attr);
		break;
	case BPF_MAP_GET_NEXT_KEY:
		err = kbpf_cmd_map_get_next_key(&attr);
		break;
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		err = kbpf_cmd_map_lookup_and_delete_elem(&attr);
		break;
	case BPF_MAP_FREEZE:
		err = kbpf_cmd_map_freeze(&attr);
		break;
	case BPF_MAP_LOOKUP_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
		err = kbpf_cmd_map_batch(&attr, uattr, cmd);
		break;
	case BPF_PROG_LOAD:
		err = kbpf_cmd_prog_load(&attr);
		break;
	case BPF_PROG_TEST_RUN:
		err = kbpf_cmd_prog_test_run(&attr, uattr);
		break;
	case BPF_PROG_GET_NEXT_ID:
		err = kbpf_cmd_prog_get_next_id(&attr, uattr);
		break;
	case BPF_MAP_GET_NEXT_ID:
		err = kbpf_cmd_map_get_next_id(&attr, uattr);
		break;
	case BPF_PROG_GET_FD_BY_ID:
		err = kbpf_cmd_prog_get_fd_by_id(&attr);
		break;
	case BPF_MAP_GET_FD_BY_ID:
		err = kbpf_cmd_map_get_fd_by_id(&attr);
		break;
	case BPF_OBJ_GET_INFO_BY_FD:
		err = kbpf_cmd_obj_get_info_by_fd(&attr, uattr);
		break;
	case BPF_OBJ_PIN:
		err = kbpf_cmd_obj_pin(&attr);
		break;
	case BPF_OBJ_GET:
		err = kbpf_cmd_obj_get(&attr);
		break;
	case BPF_ENABLE_STATS:
		err = kbpf_cmd_enable_stats(&attr);
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		err = kbpf_cmd_raw_tracepoint_open(&attr);
		break;
	case BPF_LINK_CREATE:
		err = kbpf_cmd_link_create(&attr);
		break;
	case BPF_LINK_UPDATE:
		err = kbpf_cmd_link_update(&attr);
		break;
	case BPF_LINK_DETACH:
		err = kbpf_cmd_link_detach(&attr);
		break;
	case BPF_LINK_GET_FD_BY_ID:
		err = kbpf_cmd_link_get_fd_by_id(&attr);
		break;
	case BPF_LINK_GET_NEXT_ID:
		err = kbpf_cmd_link_get_next_id(&attr, uattr);
		break;
	default:
		err = -EINVAL;
		break;
	}
	return err;
}
