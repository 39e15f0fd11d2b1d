-- GetCurrentProcess() returns a pseudo handle: the constant -1, which means
-- "the calling process" wherever it is used. It is not in the handle table,
-- so closing it does nothing, and passed to a child it would mean the child.
-- DuplicateHandle turns it into a real handle that another process can use.
--
-- Run it: ./ipcsh scripts/pseudo_handle.lua
local me = ipc.self()
print("pseudo handle: " .. tostring(me) .. ", value " .. me.value)
assert(me.value == -1)

ipc.close(me)
print("closed it; still usable: pid " .. ipc.pid(me))
assert(ipc.pid(me) == me.pid)

local real = ipc.dup(me, {inherit = true})
print("duplicated into a real handle: " .. tostring(real))
assert(real.value > 0 and real.pid == me.pid)

-- A child gets the real handle and reports the pid it refers to.
local name = "pseudo-demo-" .. me.pid
local slot = ipc.create_mailslot(name)
local w = ipc.open_mailslot(name, {inherit = true})
local child = ipc.spawn{ipcsh = ("p = pid %d; send %d $p"):format(real.value, w.value), inherit = {real, w}}
assert(child:wait(10000) == "signaled")
local seen = slot:recv{timeout = 2000}
print(("the child, through value %d, sees pid %s (ours is %d)"):format(real.value, seen, me.pid))
assert(seen == tostring(me.pid))

-- In the child, -1 is the child itself.
child = ipc.spawn{ipcsh = ("p = pid -1; send %d $p"):format(w.value), inherit = {w}}
assert(child:wait(10000) == "signaled")
seen = slot:recv{timeout = 2000}
print(("the child, through -1, sees pid %s (its own: %d)"):format(seen, child.pid))
assert(seen == tostring(child.pid))
