-- Handing a handle value over through a file, as the notes do.
--
-- The parent makes the mailslot writer inheritable and starts the child
-- with bInheritHandles=TRUE; the child's table then holds the writer at the
-- SAME value. But the child does not know that value: the parent writes it
-- into a file, and the child reads it from there and uses it.
--
-- Run it: ./ipcsh scripts/handle_value_through_file.lua
local name = "through-file-" .. ipc.self().pid
local slot = ipc.create_mailslot(name)
local writer = ipc.open_mailslot(name, {inherit = true})
local path = os.tmpname()

-- the parent writes the value down
local f = assert(io.open(path, "w"))
f:write(("%d\n"):format(writer.value))
f:close()

-- the child (an agent, inheriting everything inheritable) reads it back
local kid = ipc.spawn{agent = true, inherit = true}
-- (ipc.handle wraps a value this process already holds)
kid:run(("lua local f = assert(io.open(%q)); local value = tonumber(f:read('l')); f:close(); "
         .. "ipc.handle(value, 'mailslot'):send('sent through the value in ' .. %q)"):format(path, path))

local message = slot:recv{timeout = 5000}
print("received: " .. message)
assert(message == "sent through the value in " .. path)
os.remove(path)
kid:close()
