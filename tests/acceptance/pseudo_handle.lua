-- GetCurrentProcess() is a pseudo handle: value -1, meaningful only inside
-- this process, closing it does nothing. DuplicateHandle turns it into a
-- real handle that a child can use.
local me = ipc.self()
assert(me.value == -1 and me.kind == "process", "self: " .. tostring(me))
assert(me.pid == ipc.pid(me))
ipc.close(me)                       -- succeeds, does nothing
assert(ipc.pid(ipc.self()) == me.pid and me.closed == false)

local real = ipc.dup(me, {inherit = true})
assert(real.value > 0 and real.kind == "process", "dup of self: " .. tostring(real))
assert(real.pid == me.pid and ipc.pid(real) == me.pid)
assert(real:info().signaled == false, "we are running")

-- a child gets the real handle and reports the pid it names
local tag = "accept-pseudo-" .. me.pid
local slot = ipc.create_mailslot(tag)
local w = ipc.open_mailslot(tag, {inherit = true})
local kid = ipc.spawn{ipcsh = ("p = pid %d; send %d $p; exit-code %d"):format(real.value, w.value, real.value),
                      inherit = {real, w}}
assert(kid:wait(10000) == "signaled")
assert(kid:exit_code() == 0, "child exit " .. tostring(kid:exit_code()))
assert(slot:recv{timeout = 2000} == tostring(me.pid), "child saw the parent pid")

-- the pseudo handle itself means the child, in the child
local kid2 = ipc.spawn{ipcsh = ("p = pid -1; send %d $p"):format(w.value), inherit = {w}}
assert(kid2:wait(10000) == "signaled")
assert(slot:recv{timeout = 2000} == tostring(kid2.pid), "-1 in the child is the child")
