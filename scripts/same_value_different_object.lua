-- The same handle value in two processes names two different objects.
--
-- A handle value is an index into ONE process's handle table. Two agents
-- started the same way create an event each as their first act: their
-- tables were built the same way, so the events likely get the same value -
-- yet they are two kernel objects. Only inheritance (or DuplicateHandle)
-- puts the same object behind a value in another process.
--
-- Run it: ./ipcsh scripts/same_value_different_object.lua
local one = ipc.spawn{agent = true}
local two = ipc.spawn{agent = true}
local e1 = one:run("e = create-event --manual")
local e2 = two:run("e = create-event --manual")
print(("pid %d: $e = 0x%x    pid %d: $e = 0x%x"):format(one.pid, e1.value, two.pid, e2.value))

-- Two objects: setting one leaves the other unsignaled...
one:run("set-event $e")
assert(one:run("wait $e --timeout 0") == "signaled")
assert(two:run("wait $e --timeout 0") == "timeout", "the other process's event is another object")

-- ...and the object ids (the same id = the same object) differ.
local rows = ipc.handles{compare = {one, two}}
local seen = {}
for _, row in ipairs(rows) do
  if row.kind == "event" then
    for col, cell in pairs(row) do
      if type(cell) == "string" and cell:find("$e", 1, true) then seen[#seen + 1] = row.object end
    end
  end
end
assert(#seen == 2 and seen[1] ~= seen[2], "two rows, two objects")
print("object ids: " .. seen[1] .. " and " .. seen[2])
if e1.value == e2.value then print("same value, different objects") end

-- Inherited: the same value AND the same object.
local shared = ipc.create_event(nil, {manual = true})
local three = ipc.spawn{agent = true, pass = {shared = shared}}
shared:set()
assert(three:run("wait $shared --timeout 0") == "signaled" and three:run("$shared").value == shared.value)
one:close(); two:close(); three:close()
