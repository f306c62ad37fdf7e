/* biglock.c: the daemon lock (see biglock.h).
 *
 * A ticket lock on a mutex and a condition variable: each taker draws the
 * next ticket and waits until it is served.  pthread mutexes are not
 * fair: a thread that unlocks and locks again at once usually wins over
 * a waiter that has to be woken first, which would let a busy handler
 * keep the main thread out for as long as misses keep coming. */
#include "vswitchd/biglock.h"

#include <pthread.h>
#include <stdint.h>

#include "lib/util.h"

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t served = PTHREAD_COND_INITIALIZER;
static uint64_t next_ticket; /* The ticket the next taker draws. */
static uint64_t now_serving; /* The ticket that may hold the lock. */
static pthread_t holder;     /* Valid while HELD. */
static bool held;

void
biglock_lock(void)
{
    pthread_mutex_lock(&mutex);
    uint64_t ticket = next_ticket++;
    while (ticket != now_serving) {
        pthread_cond_wait(&served, &mutex);
    }
    holder = pthread_self();
    held = true;
    pthread_mutex_unlock(&mutex);
}

void
biglock_unlock(void)
{
    pthread_mutex_lock(&mutex);
    if (!held || !pthread_equal(holder, pthread_self())) {
        nf_abort("biglock_unlock() by a thread that does not hold it");
    }
    held = false;
    now_serving++;
    /* Every waiter looks at its ticket; only the next one goes on. */
    pthread_cond_broadcast(&served);
    pthread_mutex_unlock(&mutex);
}

bool
biglock_held(void)
{
    pthread_mutex_lock(&mutex);
    bool mine = held && pthread_equal(holder, pthread_self());
    pthread_mutex_unlock(&mutex);
    return mine;
}

unsigned int
biglock_n_waiting(void)
{
    pthread_mutex_lock(&mutex);
    uint64_t n = next_ticket - now_serving - (held ? 1 : 0);
    pthread_mutex_unlock(&mutex);
    return (unsigned int) n;
}

void
biglock_before_wait(void *aux NF_UNUSED)
{
    biglock_unlock();
}

void
biglock_after_wait(void *aux NF_UNUSED)
{
    biglock_lock();
}
