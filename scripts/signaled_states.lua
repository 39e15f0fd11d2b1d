-- Signaled and non-signaled objects.
--
-- A wait returns when its object is signaled. What "signaled" means, and
-- whether the wait changes it, depends on the kind:
--   auto-reset event   one waiter is released and the event resets itself
--   manual-reset event stays signaled until someone resets it
--   process            signaled when the process exits, and stays so
-- `info` shows the state without changing it.
--
-- Run it: ./ipcsh scripts/signaled_states.lua
local function show(label, h)
  print(("%-34s signaled: %s"):format(label, tostring(h:info().signaled)))
  return h:info().signaled
end

local auto = ipc.create_event()
local manual = ipc.create_event(nil, {manual = true})
ipc.set_event(auto)
ipc.set_event(manual)
assert(show("auto-reset event after set-event", auto) == true)
assert(show("manual-reset event after set-event", manual) == true)

assert(auto:wait(0) == "signaled" and manual:wait(0) == "signaled")
assert(show("auto-reset after one wait", auto) == false)
assert(show("manual-reset after one wait", manual) == true)
ipc.reset_event(manual)
assert(show("manual-reset after reset-event", manual) == false)

-- A child that waits on the manual event: setting it releases the child.
local shared = ipc.create_event(nil, {manual = true, inherit = true})
local child = ipc.spawn{ipcsh = ("wait %d --timeout 10000; exit 5"):format(shared.value), inherit = {shared}}
assert(show("child process while it waits", child) == false)
ipc.set_event(shared)
assert(child:wait(10000) == "signaled")
assert(show("child process after it exits", child) == true)
assert(child:wait(0) == "signaled", "a process stays signaled")
print("child exit code: " .. child:exit_code())
assert(child:exit_code() == 5)
