/* biglock.h: the daemon lock of nicflowd.
 *
 * nicflowd's state (bridges, OpenFlow tables, MAC tables, ukeys, the
 * event loop's fds and timers) is guarded by one lock.  The main thread
 * holds it all the time except while its event loop waits for events
 * (evloop_set_wait_hooks()); the upcall handler threads take it for the
 * parts of their work that read or change that state (translation, the
 * ukey table) and release it around what does not (reading upcalls,
 * installing flows, executing packets in the datapath).  So upcall
 * handling overlaps with itself and with the main thread's system calls,
 * while everything that looks at shared state still runs one thing at a
 * time, as before handler threads existed.
 *
 * The lock is fair (first come, first served): a handler that releases it
 * and wants it back at once queues behind a main thread that was waiting,
 * so that a storm of misses cannot starve OpenFlow connections, the
 * database or the control socket, and neither can the main thread starve
 * the handlers. */
#ifndef NICFLOW_VSWITCHD_BIGLOCK_H
#define NICFLOW_VSWITCHD_BIGLOCK_H 1

#include <stdbool.h>

/* Takes the lock, waiting behind every thread that asked before.  Not
 * recursive: the holder must not ask again. */
void biglock_lock(void);

/* Releases the lock, which the calling thread holds. */
void biglock_unlock(void);

/* Whether the calling thread holds the lock (for assertions). */
bool biglock_held(void);

/* How many threads are waiting for the lock right now. */
unsigned int biglock_n_waiting(void);

/* evloop wait hooks (void * for evloop_set_wait_hooks()): release before
 * the main loop waits, take again after. */
void biglock_before_wait(void *);
void biglock_after_wait(void *);

#endif
