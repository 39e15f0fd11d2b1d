-- A child inherits a mailslot writer handle and writes with the same value;
-- the usage count is 2 while the child lives and 1 after it exits.
local tag = "accept-inh-" .. ipc.self().pid
local slot = ipc.create_mailslot(tag)
local w = ipc.open_mailslot(tag, {inherit = true})
assert(w.inherit == true)
assert(w:info().handle_count == 1, "before spawn: " .. w:info().handle_count)

-- suspended, so it is alive while we look
local kid = ipc.spawn{ipcsh = ("send %d 'hello from child'"):format(w.value), inherit = true, suspended = true}
assert(kid.kind == "process" and kid.pid > 0)
assert(w:info().handle_count == 2, "child alive: handle_count " .. w:info().handle_count)
local code, why = kid:exit_code()
assert(code == nil and why == "still active", "running child: " .. tostring(code) .. " " .. tostring(why))
assert(ipc.resume(kid) == 1, "suspend count before resume")

assert(kid:wait(10000) == "signaled")
assert(kid:exit_code() == 0, "child exit code " .. tostring(kid:exit_code()))
assert(slot:recv{timeout = 2000} == "hello from child")
assert(w:info().handle_count == 1, "after exit: handle_count " .. w:info().handle_count)
