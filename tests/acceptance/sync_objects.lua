-- Mutexes, semaphores, waitable timers, pulse-event; names across kinds.
local tag = "accept-sync-" .. ipc.self().pid

-- mutex: owned by this thread, recursively; only the owner may release
local m = ipc.create_mutex(nil, {owned = true})
assert(m.kind == "mutex" and m:info().signaled == false, "owned mutex is not signaled")
assert(m:wait(0) == "signaled", "the owner acquires it again (recursion)")
ipc.release_mutex(m)
assert(m:info().signaled == false, "still owned once")
ipc.release_mutex(m)
assert(m:info().signaled == true, "free now")
local ok, err = pcall(ipc.release_mutex, m)
assert(not ok and err.name == "ERROR_NOT_OWNER" and err.code == 288 and err.api == "ReleaseMutex", tostring(err))

-- abandoned: a child takes a named mutex and exits holding it
local shared = ipc.create_mutex(tag .. "-m")
local kid = ipc.spawn{ipcsh = ("m = open-mutex %s-m; wait $m --timeout 5000"):format(tag)}
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0, "child exit " .. tostring(kid:exit_code()))
local status, index = ipc.wait(ipc.create_event(), shared, {timeout = 5000})
assert(status == "abandoned" and index == 2, "after the owner died: " .. tostring(status) .. " " .. tostring(index))
ipc.release_mutex(shared)  -- we own it now

-- semaphore: the count, non-consuming info, release returns the previous count
local sem = ipc.create_semaphore(nil, {initial = 1, max = 2})
assert(sem:info().signaled == true and sem:info().signaled == true, "info does not take a count")
assert(sem:wait(0) == "signaled")
assert(sem:info().signaled == false and sem:wait(0) == "timeout", "count 0 now")
assert(ipc.release_semaphore(sem) == 0, "previous count 0")
assert(ipc.release_semaphore(sem, 1) == 1, "previous count 1")
ok, err = pcall(ipc.release_semaphore, sem, 1)
assert(not ok and err.name == "ERROR_TOO_MANY_POSTS" and err.code == 298, tostring(err))

-- waitable timers: one-shot auto-reset, periodic, manual-reset, cancel
local t = ipc.create_timer()
assert(t:info().signaled == false)
ipc.set_timer(t, 50)
assert(t:wait(0) == "timeout", "not due yet")
assert(t:wait(5000) == "signaled", "due after 50 ms")
assert(t:info().signaled == false, "auto-reset: the wait took it")
ipc.set_timer(t, 20, {period = 20})
assert(t:wait(5000) == "signaled" and t:wait(5000) == "signaled", "periodic")
ipc.cancel_timer(t)
assert(t:wait(200) == "timeout", "cancelled")
local manual = ipc.create_timer(nil, {manual = true})
ipc.set_timer(manual, 10)
assert(manual:wait(5000) == "signaled" and manual:wait(0) == "signaled", "manual-reset stays signaled")

-- pulse-event with nobody waiting leaves the event non-signaled
local ev = ipc.create_event(nil, {manual = true})
ipc.pulse_event(ev)
assert(ev:info().signaled == false and ev:wait(0) == "timeout")

-- names: open-* finds the same object; another kind's name is the kernel's error
local named = ipc.create_semaphore(tag .. "-s", {initial = 0, max = 5})
local opened = ipc.open_semaphore(tag .. "-s")
assert(named:info().handle_count == 2)
ipc.release_semaphore(opened, 3)
assert(named:wait(0) == "signaled")
ok, err = pcall(ipc.open_event, tag .. "-s")
assert(not ok and err.name == "ERROR_INVALID_HANDLE" and err.code == 6 and err.api == "OpenEventW", tostring(err))
ok, err = pcall(ipc.create_mutex, tag .. "-s")
assert(not ok and err.code == 6 and err.api == "CreateMutexW", tostring(err))
ok, err = pcall(ipc.open_mutex, tag .. "-none")
assert(not ok and err.name == "ERROR_FILE_NOT_FOUND", tostring(err))
local again = ipc.create_event(tag .. "-e")
local same = ipc.create_event(tag .. "-e")
assert(tostring(same):find("opened existing", 1, true), tostring(same))
assert(ipc.open_event(tag .. "-e"):info().handle_count == 3)
