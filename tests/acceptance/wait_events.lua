-- wait on events: which one, --all, timeouts, auto- vs manual-reset.
local auto = ipc.create_event()
local manual = ipc.create_event(nil, {manual = true})
local status, index = ipc.wait(auto, manual, {timeout = 0})
assert(status == "timeout" and index == nil)

ipc.set_event(manual)
status, index = ipc.wait(auto, manual, {timeout = 0})
assert(status == "signaled" and index == 2, status .. " " .. tostring(index))
-- manual-reset stays signaled
assert(ipc.wait(manual, {timeout = 0}) == "signaled")
assert(manual:info().signaled == true)
ipc.reset_event(manual)
assert(manual:info().signaled == false)

-- auto-reset: looking does not consume, one wait does
ipc.set_event(auto)
assert(auto:info().signaled == true)
assert(auto:info().signaled == true, "info must not consume an auto-reset event")
status, index = auto:wait(0)
assert(status == "signaled" and index == 1)
assert(auto:info().signaled == false and auto:wait(0) == "timeout")

-- --all needs every one
ipc.set_event(auto)
assert(ipc.wait({auto, manual}, {all = true, timeout = 0}) == "timeout")
assert(auto:info().signaled == true, "a failed wait-all takes nothing")
ipc.set_event(manual)
assert(ipc.wait(auto, manual, {all = true, timeout = 0}) == "signaled")

-- named events: the second create opens the same object
local name = "accept-ev-" .. ipc.self().pid
local a = ipc.create_event(name, {manual = true})
local b = ipc.create_event(name)
assert(a:info().handle_count == 2 and b:info().name == a:info().name)
ipc.set_event(b)
assert(a:wait(0) == "signaled")

-- a timeout that really waits, and starts the event set
local t0 = os.time()
local set = ipc.create_event(nil, {set = true})
assert(set:info().signaled == true)
assert(ipc.wait(ipc.create_event(), {timeout = 150}) == "timeout")

-- a child signals an inherited event
local ev = ipc.create_event(nil, {inherit = true, manual = true})
local kid = ipc.spawn{ipcsh = ("sleep 100; set-event %d"):format(ev.value), inherit = {ev}}
assert(ev:wait(10000) == "signaled")
assert(kid:wait(10000) == "signaled")
