// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime. Maps and programs are refcounted; the last put removes
 * the object's id and hands it to kbpf_defer_free(), which frees it on
 * kbpf's workqueue after an RCU grace period (programs run, and reach maps,
 * under rcu_read_lock). A live-object count lets module exit wait until
 * every deferred free has run.
 */
#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "kbpf_internal.h"

/* Drain rounds at module exit before declaring the remaining objects leaked. */
#define KBPF_EXIT_DRAIN_ROUNDS	16

static struct workqueue_struct *kbpf_free_wq;
static atomic_t kbpf_live_objects = ATOMIC_INIT(0);

void kbpf_object_created(void)
{
	atomic_inc(&kbpf_live_objects);
}

void kbpf_object_destroyed(void)
{
	atomic_dec(&kbpf_live_objects);
}

/* The work's function frees the object and calls kbpf_object_destroyed(). */
void kbpf_defer_free(struct rcu_work *work)
{
	queue_rcu_work(kbpf_free_wq, work);
}

int kbpf_objects_init(void)
{
	kbpf_free_wq = alloc_workqueue("kbpf_free", 0, 0);
	if (!kbpf_free_wq)
		return -ENOMEM;
	return 0;
}

/*
 * Called after the device is gone and no fd is open (each fd pins the
 * module). Frees can still be in flight, and can chain: a program's free
 * drops its maps, whose frees are deferred in turn. Drain until none is
 * left.
 */
void kbpf_objects_exit(void)
{
	int round;

	/* A chain is at most program -> maps; the bound only catches leaks. */
	for (round = 0; round < KBPF_EXIT_DRAIN_ROUNDS; round++) {
		rcu_barrier();
		flush_workqueue(kbpf_free_wq);
		if (atomic_read(&kbpf_live_objects) <= 0)
			break;
	}
	WARN(atomic_read(&kbpf_live_objects),
	     "%d objects leaked (a reference was never dropped)\n",
	     atomic_read(&kbpf_live_objects));
	destroy_workqueue(kbpf_free_wq);
	rcu_barrier();
}
