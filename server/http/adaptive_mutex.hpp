#pragma once
// The lock of the stores every request touches (journal, invitations,
// conversations, scenario counters). Their critical sections last well under a
// microsecond, less than a futex sleep and wake-up between the worker threads:
// glibc's adaptive mutex spins briefly before it sleeps.

#include <pthread.h>

namespace ucwa {

class adaptive_mutex
{
public:
    adaptive_mutex() noexcept
    {
        pthread_mutexattr_t attributes;
        pthread_mutexattr_init(&attributes);
        pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ADAPTIVE_NP);
        pthread_mutex_init(&mutex_, &attributes);
        pthread_mutexattr_destroy(&attributes);
    }

    ~adaptive_mutex()
    {
        pthread_mutex_destroy(&mutex_);
    }

    adaptive_mutex(adaptive_mutex const&) = delete;
    adaptive_mutex&
    operator=(adaptive_mutex const&) = delete;

    void
    lock() noexcept
    {
        pthread_mutex_lock(&mutex_);
    }
    bool
    try_lock() noexcept
    {
        return pthread_mutex_trylock(&mutex_) == 0;
    }
    void
    unlock() noexcept
    {
        pthread_mutex_unlock(&mutex_);
    }

private:
    pthread_mutex_t mutex_;
};

} // namespace ucwa
