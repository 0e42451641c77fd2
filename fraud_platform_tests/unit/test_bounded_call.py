"""BoundedCaller: one worker thread for every call, abandoned (and replaced) when a call hangs."""

import threading

import pytest

from streaming.validator.bounded_call import BoundedCaller, CallTimedOut


def test_calls_run_on_one_reused_daemon_thread_and_raise_in_the_caller():
    caller, threads = BoundedCaller("t"), []
    for _ in range(3):
        caller.call(lambda: threads.append(threading.current_thread()), (), 5)
    assert len(set(threads)) == 1 and threads[0] is not threading.current_thread() and threads[0].daemon
    with pytest.raises(ZeroDivisionError):
        caller.call(lambda x: 1 / x, (0,), 5)


def test_a_hung_call_is_abandoned_and_the_next_call_gets_a_new_thread():
    caller, release, threads = BoundedCaller("t"), threading.Event(), []
    with pytest.raises(CallTimedOut, match="wait did not return"):
        caller.call(release.wait, (), 0.2)
    caller.call(lambda: threads.append(threading.current_thread()), (), 5)
    assert threads[0].is_alive()
    release.set()  # the abandoned thread finishes its call; nothing waits for it any more
    caller.call(lambda: threads.append(threading.current_thread()), (), 5)
    assert threads[0] is threads[1]
