/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by the fake device (fakedev.c) and the shim tests. */
#ifndef KBPF_SHIM_FAKEDEV_H
#define KBPF_SHIM_FAKEDEV_H

#include "uapi/kbpf.h"

struct fakedev_state {
	/* recorded */
	int opens;			/* open()/openat() through the hooks */
	int dev_opens;			/* of which opened the fake device */
	char last_path[256];
	int last_flags;
	int calls;			/* ioctls on the fake device */
	int last_fd;
	unsigned long last_request;
	void *last_call_ptr;
	struct kbpf_call last_call;
	/* scripted reply */
	long ret;			/* >= 0: returned; < 0: -1 with err */
	int err;
	unsigned int wb_off, wb_len;	/* bytes copied into attr + wb_off */
	unsigned char wb[64];
	unsigned int delay_us;		/* sleep inside the "device" */
};

typedef struct fakedev_state *(*fakedev_state_fn)(void);

#endif
