-- DuplicateProcessParent / DuplicateProcessChild.
--
-- GetCurrentProcess() returns a pseudo handle, -1, which always means "the
-- process using it". Handed to a child, -1 would name the CHILD. So the
-- parent first turns it into a real handle with DuplicateHandle (making the
-- copy inheritable), and passes that: now the child holds a handle to its
-- parent, and can wait for the parent to end.
--
-- Run it: ./ipcsh scripts/duplicate_process_parent_child.lua
local me = ipc.self()
assert(me.value == -1)

-- DuplicateProcessParent: the pseudo handle, made real and inheritable.
local parent = ipc.dup(me, {inherit = true})
assert(parent.value ~= -1 and parent.kind == "process")
assert(parent:info().usage_count >= 1)
print("the parent's real handle to itself: " .. tostring(parent))

-- DuplicateProcessChild: the child gets it, by name.
local kid = ipc.spawn{agent = true, pass = {parent = parent}}

-- In the child, $parent is the parent; -1 is the child itself.
local parent_pid = kid:run("pid $parent")
local self_pid = kid:run("pid -1")
print(("in the child: $parent is pid %d, -1 is pid %d"):format(parent_pid, self_pid))
assert(parent_pid == ipc.self().pid, "the real handle names the parent")
assert(self_pid == kid.pid, "the pseudo handle names whoever uses it")

-- The child can wait on its parent: not signaled while the parent lives.
assert(kid:run("wait $parent --timeout 0") == "timeout")

-- The child waits for its parent to end. A grandchild of ours plays the
-- child here, so this script lives on to see it: the middle agent makes its
-- own real handle, hands it to its child (detached, so it outlives the
-- middle), and exits; the child's wait returns and it sets a named event.
local name = "dpp-demo-" .. ipc.self().pid
local done = ipc.create_event(name, {manual = true})
local middle = ipc.spawn{agent = true}
middle:run("me = dup self --inherit")
middle:run(('spawn --pass me --detach --ipcsh "wait $me --timeout 20000; e = open-event %s; set-event $e"'):format(name))
assert(done:wait(500) == "timeout", "the middle process still lives")
ipc.on(middle, "exit 0")
assert(middle:wait(5000) == "signaled")
assert(done:wait(10000) == "signaled", "the wait on the ended parent returned")
print("the middle process ended, and its child's wait on it returned")
kid:close()
