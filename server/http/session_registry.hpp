#pragma once
// The live connections, so that a shutdown can reach every one of them.
// Sessions register themselves and unregister in their destructor; stop_all
// snapshots weak pointers under the lock and calls out without it.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace ucwa {

class session;

class session_registry
{
public:
    /** `on_drained` runs (on the thread of the last session to go) when the
        registry is empty after stop_all(). */
    explicit session_registry(std::function<void()> on_drained);

    /** Registers a session; returns false when stopping (the session should close). */
    bool
    add(session* s);

    /** Unregisters a session (from its destructor). */
    void
    remove(session* s);

    /** Asks every session to stop once its request in flight is answered. */
    void
    stop_all();

    /** Returns the number of live sessions. */
    std::size_t
    size() const;

private:
    mutable std::mutex mutex_;
    std::unordered_set<session*> sessions_;
    bool stopping_ = false;
    std::function<void()> on_drained_;
};

} // namespace ucwa
