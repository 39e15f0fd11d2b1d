-- Mailslot messages: order, sizes, binary and UTF-8 content, info, timeouts.
local tag = "accept-ms-" .. ipc.self().pid
local slot = ipc.create_mailslot(tag)
assert(slot.kind == "mailslot", "kind: " .. tostring(slot.kind))
assert(slot.name == "\\\\.\\mailslot\\" .. tag, "name: " .. slot.name)
assert(slot.inherit == false, "a new handle is not inheritable unless asked")
local w = ipc.open_mailslot(tag)

-- empty mailslot: no next message, read timeout forever by default
local info = slot:info()
assert(info.type == "File", "type: " .. tostring(info.type))
local mi = ipc.mailslot_info(slot)
assert(mi.next_size == nil, "next_size when empty: " .. tostring(mi.next_size))
assert(mi.timeout == nil, "default timeout is forever (nil): " .. tostring(mi.timeout))
assert(mi.max_size == 0, "max_size: " .. tostring(mi.max_size))

-- messages come out in the order they went in, each whole
assert(w:send("first") == 5)
assert(ipc.send(w, "second") == 6)
assert(ipc.mailslot_info(slot).next_size == 5, "next_size: " .. tostring(ipc.mailslot_info(slot).next_size))
assert(slot:recv() == "first")
assert(slot:recv() == "second")

-- NUL bytes, binary and Hangul round-trip byte for byte
local binary = "a\0b\0\255\254\1"
w:send(binary)
local got = slot:recv()
assert(got == binary, ("binary: got %q"):format(got))
local hangul = "안녕하세요, 메일슬롯"
w:send(hangul)
assert(slot:recv() == hangul)

-- a 60 KB message arrives whole
local big = string.rep("0123456789", 6 * 1024)
assert(#big == 61440)
assert(w:send(big) == #big)
local got_big = slot:recv()
assert(#got_big == #big and got_big == big, "60 KB message: got " .. #got_big .. " bytes")

-- timeouts: none waiting -> ERROR_SEM_TIMEOUT (121), as ReadFile reports
local ok, err = pcall(slot.recv, slot, {timeout = 0})
assert(not ok and err.name == "ERROR_SEM_TIMEOUT" and err.code == 121 and err.api == "ReadFile",
       "timeout error: " .. tostring(err))
local started = os.clock()
ok, err = pcall(ipc.recv, slot, {timeout = 200})
assert(not ok and err.code == 121)

-- the mailslot's own timeout is the default for recv
ipc.set_mailslot_timeout(slot, 0)
assert(ipc.mailslot_info(slot).timeout == 0)
ok, err = pcall(slot.recv, slot)
assert(not ok and err.name == "ERROR_SEM_TIMEOUT", tostring(err))

-- creating the same name again, opening a missing one
ok, err = pcall(ipc.create_mailslot, tag)
assert(not ok and err.name == "ERROR_ALREADY_EXISTS" and err.code == 183, tostring(err))
ok, err = pcall(ipc.open_mailslot, tag .. "-missing")
assert(not ok and err.name == "ERROR_FILE_NOT_FOUND" and err.code == 2 and err.api == "CreateFileW", tostring(err))
assert(tostring(err):find("CreateFileW: ERROR_FILE_NOT_FOUND (2): " .. err.message, 1, true) == 1, tostring(err))
assert(err.note:find("it returned INVALID_HANDLE_VALUE", 1, true) and err.note:find("its reader creates it", 1, true), err.note)

-- the writer end cannot read
ok, err = pcall(ipc.read, w, {timeout = 0})
assert(not ok and err.name == "ERROR_ACCESS_DENIED", tostring(err))

-- full names pass through unchanged, and --max-size is reported
local sized = ipc.create_mailslot("\\\\.\\mailslot\\" .. tag .. "-sized", {max_size = 100, timeout = 50})
local si = sized:info()
assert(ipc.mailslot_info(sized).max_size == 100 and ipc.mailslot_info(sized).timeout == 50)
assert(si.name:find(tag .. "-sized", 1, true), "kernel name: " .. tostring(si.name))
