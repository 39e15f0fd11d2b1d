-- Window message queues with message-only windows: post, send, get, and a
-- child on the other end.
local tag = "accept-win-" .. ipc.self().pid
local w = ipc.create_window(tag)
assert(w.kind == "window" and w.value ~= 0)
assert(ipc.find_window(tag) == w, "find-window finds our own window object")
local msg, why = ipc.get_message{timeout = 0}
assert(msg == nil and why == "timeout")

ipc.post_message(w, 0x401, 7, 8)
ipc.post_message(w, 0x402)
local m1 = ipc.get_message{timeout = 1000}
assert(m1.msg == 0x401 and m1.wparam == 7 and m1.lparam == 8 and m1.how == "posted" and m1.window == w.value)
local m2 = ipc.get_message{timeout = 1000}
assert(m2.msg == 0x402 and m2.wparam == 0 and m2.lparam == 0, "defaults 0")
-- a message sent to our own window runs our window procedure at once
local result = ipc.send_message(w, 0x403, 1, 2)
assert(result == 3, "the third message received: " .. tostring(result))
local m3 = ipc.get_message{timeout = 0}
assert(m3.msg == 0x403 and m3.how == "sent")

-- a child finds the window by name and posts to it
local kid = ipc.spawn{ipcsh = ("w = find-window %s; post-message $w 0x4a0 41 42"):format(tag)}
local posted = ipc.get_message{timeout = 10000}
assert(posted.msg == 0x4a0 and posted.wparam == 41 and posted.lparam == 42 and posted.how == "posted")
assert(kid:wait(5000) == "signaled" and kid:exit_code() == 0)

-- a child's SendMessage waits for our answer: our waits pump messages
local slot = ipc.create_mailslot(tag)
local writer = ipc.open_mailslot(tag, {inherit = true})
kid = ipc.spawn{ipcsh = ("w = find-window %s; r = send-message $w 0x4b0 5 6 --timeout 5000; send %d $r")
                        :format(tag, writer.value), inherit = {writer}}
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0, "the child's send-message was answered")
local sent = ipc.get_message{timeout = 0}
assert(sent.msg == 0x4b0 and sent.wparam == 5 and sent.lparam == 6 and sent.how == "sent")
assert(slot:recv{timeout = 1000} == "5", "the child got our window procedure's answer")

-- errors
w:close()
local ok, err = pcall(ipc.post_message, w, 0x401)
assert(not ok and err.name == "ERROR_INVALID_WINDOW_HANDLE" and err.code == 1400, tostring(err))
ok, err = pcall(ipc.post_message, 0x7ff0, 0x401)
assert(not ok and err.code == 1400 and err.api == "PostMessageW", tostring(err))
ok, err = pcall(ipc.find_window, tag .. "-none")
assert(not ok and err.api == "FindWindowExW", tostring(err))
