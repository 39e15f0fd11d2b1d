-- A child inherits a mailslot writer handle and writes with the SAME value.
--
-- Handle values are indexes into a process's own handle table. When a handle
-- is inheritable and CreateProcess is called with bInheritHandles=TRUE, the
-- child's table gets an entry at the same value for the same object, so the
-- object's usage count (handle count) goes up by one for as long as the
-- child lives.
--
-- Run it: ./ipcsh scripts/inherit_writer_handle.lua
local name = "inherit-demo-" .. ipc.self().pid
local slot = ipc.create_mailslot(name)
local writer = ipc.open_mailslot(name, {inherit = true})
print("writer: " .. tostring(writer))
print("usage count before spawn: " .. writer:info().handle_count)
assert(writer:info().handle_count == 1)

-- Start the child suspended, so it is alive (holding its copy) while we look.
local child = ipc.spawn{ipcsh = ("send %d 'hello via the inherited handle'"):format(writer.value),
                        inherit = true, suspended = true}
print("child: " .. tostring(child))
print("usage count while the child lives: " .. writer:info().handle_count)
assert(writer:info().handle_count == 2)

ipc.resume(child)
assert(child:wait(10000) == "signaled")
print("child exit code: " .. child:exit_code())
local message = slot:recv{timeout = 2000}
print("received: " .. message)
assert(message == "hello via the inherited handle")

-- The child's table was destroyed with the child: its reference is gone.
print("usage count after the child exited: " .. writer:info().handle_count)
assert(writer:info().handle_count == 1)
