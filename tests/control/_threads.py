"""Running a step of a test in another thread, for the tests of what threads share."""
import threading

WAIT = 10  # seconds a step waits for another thread at most: only a broken test waits that long


def in_thread(fn):
    """Start `fn` in a thread; `join()` of the result returns what `fn` returned or raises what it raised."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # (handed to the caller)
            out["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def join():
        thread.join(WAIT)
        assert not thread.is_alive(), "the thread did not finish"
        if "error" in out:
            raise out["error"]
        return out.get("value")
    return join
