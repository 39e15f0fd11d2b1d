-- The parent/child handle-table diagram, as the notes draw it.
--
-- A parent has three handles: A inheritable (Y), B not (N), C inheritable
-- (Y). It starts a child with bInheritHandles=TRUE. The child's table gets
-- entries for A and C only - at the SAME values, with the inherit flag still
-- set - pointing at the SAME kernel objects, whose usage counts go from 1 to
-- 2. B stays the parent's alone.
--
-- Run it: ./ipcsh scripts/parent_child_tables.lua
local a = ipc.create_event(nil, {inherit = true})   -- Y
local b = ipc.create_mutex()                        -- N
local c = ipc.create_semaphore(nil, {initial = 0, max = 5, inherit = true})  -- Y
ipc.vars.a, ipc.vars.b, ipc.vars.c = a, b, c        -- names for the tables below
for _, h in ipairs{a, b, c} do assert(h:info().usage_count == 1) end

-- An agent child (a child ipcsh we can ask things) inheriting everything
-- inheritable; its own variables are unknown to it, so we look from outside.
local kid = ipc.spawn{agent = true, inherit = true}
ipc.vars.kid = kid

-- The two tables side by side: one row per object, each process's value
-- and Y/N inherit flag, and the object's usage count.
local rows = ipc.handles{compare = {kid}}
local parent_col, child_col = ("shell %d"):format(ipc.self().pid), ("kid %d"):format(kid.pid)
print(("%-7s %-10s %-14s %-14s %s"):format("object", "kind", "parent", "child", "usage count"))
for _, row in ipairs(rows) do
  print(("%-7s %-10s %-14s %-14s %s"):format(row.object, row.kind, row[parent_col] or "-", row[child_col] or "-", row.usage))
end
local by_kind = {}
for _, row in ipairs(rows) do by_kind[row.kind] = row end

-- A: same value in both, Y in both, one object used twice
assert(by_kind.event[parent_col]:find(("0x%x Y"):format(a.value), 1, true))
assert(by_kind.event[child_col]:find(("0x%x Y"):format(a.value), 1, true), by_kind.event[child_col])
assert(by_kind.event.usage == 2)
-- B: the parent's only
assert(by_kind.mutex[parent_col]:find(("0x%x N"):format(b.value), 1, true))
assert(by_kind.mutex[child_col] == nil and by_kind.mutex.usage == 1)
-- C: like A
assert(by_kind.semaphore[child_col]:find(("0x%x Y"):format(c.value), 1, true))
assert(by_kind.semaphore.usage == 2)

-- The child really holds C: it can release it, and we see the count.
kid:run(("release-semaphore 0x%x 2"):format(c.value))
assert(c:wait(0) == "signaled")

-- When the child's table goes, so do its references.
kid:close()
eventually(function() return a:info().usage_count == 1 and c:info().usage_count == 1 end, 5000)
print("after the child: usage counts", a:info().usage_count, b:info().usage_count, c:info().usage_count)
