-- Mail receiver and sender: the classic mailslot pair.
--
-- The receiver (this script) creates the mailslot \\.\mailslot\<name> and
-- holds its only read end. A sender - here a child ipcsh - opens the same
-- name with CreateFile (the writer end) and writes messages. Each WriteFile
-- is one message; each ReadFile returns one whole message, in order.
--
-- Run it: ./ipcsh scripts/mailslot_receiver_sender.lua
local name = "receiver-" .. ipc.self().pid
local slot = ipc.create_mailslot(name)
print("receiver: " .. tostring(slot))

-- The sender knows only the name; it inherits nothing.
local sender = ipc.spawn{ipcsh = ("w = open-mailslot %s; send $w 'first'; send $w 'second'; send $w 'third'")
                                   :format(name)}
assert(sender:wait(10000) == "signaled", "the sender finished")
print("sender exited with " .. sender:exit_code())

-- Three messages wait; GetMailslotInfo tells the size of the next one.
local info = ipc.mailslot_info(slot)
print(("next message: %d bytes"):format(info.next_size))
assert(info.next_size == #"first")

for _, expected in ipairs{"first", "second", "third"} do
  local message = slot:recv{timeout = 1000}
  print("received: " .. message)
  assert(message == expected, ("expected %q, got %q"):format(expected, message))
end

-- Nothing left: a read with timeout 0 fails with ERROR_SEM_TIMEOUT.
local ok, err = pcall(slot.recv, slot, {timeout = 0})
print("empty mailslot: " .. tostring(err))
assert(not ok and err.name == "ERROR_SEM_TIMEOUT")
