-- Window message queues.
--
-- Every thread that has windows has a message queue. PostMessage puts a
-- message in the queue and returns at once; SendMessage calls the window
-- procedure and waits for its answer - across processes, the receiving
-- thread must be pumping messages. A message-only window (HWND_MESSAGE)
-- needs no display.
--
-- Run it: ./ipcsh scripts/message_queue.lua
local name = "queue-demo-" .. ipc.self().pid
local window = ipc.create_window(name)
print("our window: " .. tostring(window))

-- A child finds the window by name, posts two messages and sends one.
local child = ipc.spawn{ipcsh = ("w = find-window %s; post-message $w 0x401 1 100; post-message $w 0x401 2 200; "
                                 .. "send-message $w 0x402 3 300"):format(name)}

-- get-message pumps the queue; our window procedure answers sent messages.
-- A sent message does not queue behind posted ones: when the receiver pumps,
-- pending sent messages are delivered first. So if all three are waiting,
-- the sent one (wparam 3) comes out first; the posted ones keep their order.
local got = {}
for i = 1, 3 do
  local m = ipc.get_message{timeout = 10000}
  print(("message %d: msg %#x wparam %d lparam %d (%s)"):format(i, m.msg, m.wparam, m.lparam, m.how))
  assert(m.lparam == m.wparam * 100)
  assert(m.how == (m.wparam == 3 and "sent" or "posted"))
  got[#got + 1] = m.wparam
end
local posted_order = {}
for _, w in ipairs(got) do if w ~= 3 then posted_order[#posted_order + 1] = w end end
assert(#got == 3 and posted_order[1] == 1 and posted_order[2] == 2, "posted messages keep their order")
assert(child:wait(10000) == "signaled" and child:exit_code() == 0)
