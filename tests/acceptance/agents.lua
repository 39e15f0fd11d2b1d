-- Two processes in one script (issue: agents). A parent creates a mailslot,
-- hands the writer to one agent by --pass and to a second by dup --to; both
-- send; the parent receives both; the side-by-side tables show one object
-- linked from three tables with usage count 3, and the counts fall back as
-- the agents go. A failure inside an agent arrives as the child's error.
local tag = "accept-agents-" .. ipc.self().pid
local slot = ipc.create_mailslot(tag)
local w = ipc.open_mailslot(tag)
assert(not w.inherit)

local a1 = ipc.spawn{agent = true, pass = {w = w}}
local a2 = ipc.spawn{agent = true}
assert(a1.pid ~= a2.pid and a1.kind == "process")
-- --pass made w inheritable only while CreateProcess copied it
assert(not w.inherit, "w's own flag is back off")

-- the child has $w at the same value and kind
local there = a1:run("$w")
assert(there.value == w.value and there.kind == "mailslot" and there.role == "writer" and there.pid == a1.pid,
       "a1's $w: " .. tostring(there.value) .. " " .. tostring(there.kind))

-- dup --to an agent, bound to a variable there
local v2 = ipc.dup(w, {to = a2, as = "w"})
assert(math.type(v2) == "integer")
assert(a2:run("$w").value == v2)

-- both send; the parent receives both, in order
a1:run("send $w one")
a2:run("send $w two")
assert(slot:recv{timeout = 2000} == "one")
assert(slot:recv{timeout = 2000} == "two")
assert(w:info().usage_count == 3, "one writer object, three tables: " .. w:info().usage_count)

-- handles --compare: one row for the writer object, a value in each table
local rows = ipc.handles{compare = {a1, a2}}
local writer_row
for _, row in ipairs(rows) do
  if row.kind == "mailslot writer" then writer_row = row end
end
assert(writer_row, "a row for the writer object")
local shell_col = ("shell %d"):format(ipc.self().pid)
local a1_col, a2_col = ("pid %d"):format(a1.pid), ("pid %d"):format(a2.pid)
assert(writer_row[shell_col]:find(("0x%x N"):format(w.value), 1, true), writer_row[shell_col])
assert(writer_row[a1_col]:find(("0x%x Y $w"):format(w.value), 1, true), writer_row[a1_col])
assert(writer_row[a2_col]:find(("0x%x N $w"):format(v2), 1, true), writer_row[a2_col])
assert(writer_row.usage == 3, writer_row.usage)
-- the same object has the same id in every table
local mine, theirs
for _, row in ipairs(ipc.handles()) do if row.value == w.value then mine = row.object end end
for _, row in ipairs(ipc.handles{process = a2}) do if row.value == v2 then theirs = row.object end end
assert(mine and mine == theirs and mine == writer_row.object, tostring(mine) .. " " .. tostring(theirs))

-- graph: the same, as text and as Graphviz source
local text = ipc.graph()
assert(text:find("this shell", 1, true) and text:find(a1_col, 1, true) and text:find(a2_col, 1, true), text)
local line = text:match("[^\n]*mailslot writer[^\n]*")
assert(line and line:find(("0x%x N"):format(w.value), 1, true) and line:find(("0x%x N $w"):format(v2), 1, true) and line:match("3$"), line)
local dot = ipc.graph{dot = true}
assert(dot:find("digraph ipcsh", 1, true) and dot:find("usage count 3", 1, true), dot)
local writer_id = writer_row.object:sub(2)
-- the shell's row points at the object; each child's row is pointed at
-- from it, reversed (so the children sit on the other side)
local _, from_shell = dot:gsub(("p%d:r%d:e %%-> o%s;"):format(ipc.self().pid, w.value, writer_id), "")
local _, from_a1 = dot:gsub(("o%s %%-> p%d:v%d:w %%[dir=back%%];"):format(writer_id, a1.pid, w.value), "")
local _, from_a2 = dot:gsub(("o%s %%-> p%d:v%d:w %%[dir=back%%];"):format(writer_id, a2.pid, v2), "")
assert(from_shell == 1 and from_a1 == 1 and from_a2 == 1, "three tables point at the writer:\n" .. dot)
-- two children of the shell: the first drawn with a sibling below it (only
-- the shell's own children count: Wine starts its desktop process,
-- explorer.exe, from whichever process first needs it, now and then an agent)
local branches = {}
for line in text:gmatch("[^\n]+") do
  if line:find("^    ├─ pid %d+") then branches[#branches + 1] = "├" end
  if line:find("^    └─ pid %d+") then branches[#branches + 1] = "└" end
end
assert(table.concat(branches, " ") == "├ └", text)

-- results come back as values; handles know where they live
local ev = a1:run("e = create-event --manual")
assert(ev.kind == "event" and ev.pid == a1.pid and ev.remote and math.type(ev.value) == "integer")
local state = a1:run("wait $e --timeout 0")
assert(state == "timeout", tostring(state))

-- a failure in the child raises the child's error, with its pid
local ok, err = pcall(a2.run, a2, "open-mailslot no-such-slot-" .. tag)
assert(not ok and err.code == 2 and err.name == "ERROR_FILE_NOT_FOUND" and err.api == "CreateFileW"
       and err.pid == a2.pid, tostring(err))
assert(tostring(err):find(("[pid %d] CreateFileW"):format(a2.pid), 1, true), tostring(err))
ok, err = pcall(a2.run, a2, "nosuchcommand")
assert(not ok and err.name == "usage" and err.code == nil and err.pid == a2.pid, tostring(err))
-- the agent goes on after a failure
assert(a2:run("echo still here") == "still here")

-- taking a handle back: dup VALUE --from P, and --close-source moves it
local back = ipc.dup(v2, {from = a2})
assert(back.kind == "mailslot" and back:info().usage_count == 4)
back:close()
local moved = ipc.dup(v2, {from = a2, close_source = true})
assert(moved:info().usage_count == 3, "moved: the agent's copy closed as it was copied")
moved:close()

-- on a process that is no agent
local plain = ipc.spawn{ipcsh = "sleep 5000"}
expect_error("is not an agent", ipc.on, plain, "echo x")
plain:kill()

-- `exit N` there: the agent leaves with N, and its copy of w goes with it
local code = ipc.on(a1, "exit 7")
assert(code == nil, "on P exit N returns nothing to Lua")
assert(a1:wait(5000) == "signaled" and a1:exit_code() == 7)
-- an ended child still has a column, empty, and says it has exited
local after = ipc.handles{compare = {a1, a2}}
local exited_col = ("pid %d (exited)"):format(a1.pid)
local seen_writer
for _, row in ipairs(after) do
  assert(row[exited_col] == nil, "an exited process holds nothing")
  if row.kind == "mailslot writer" then seen_writer = row end
end
assert(seen_writer and seen_writer[shell_col], "the other tables are still shown")
local ok2, derr = pcall(ipc.dup, w, {to = a1})
assert(not ok2 and derr.api == "DuplicateHandle" and tostring(derr):find("has exited (code 7)", 1, true), tostring(derr))
eventually(function() return w:info().usage_count == 1 end, 5000)  -- a2's copy moved out, a1 gone
-- closing the parent's handle ends an agent
local a3 = ipc.spawn{agent = true, pass = {w = w}}
assert(a3:run("echo ready") == "ready" and w:info().usage_count == 2)

a3:close()
eventually(function() return w:info().usage_count == 1 end, 5000)
a2:close()
slot:close()
w:close()
