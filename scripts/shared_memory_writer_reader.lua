-- Shared memory: a writer and a reader of one named section.
--
-- CreateFileMapping with INVALID_HANDLE_VALUE makes a section backed by the
-- paging file; any process that opens the same name gets the same object,
-- and MapViewOfFile makes its bytes part of that process's address space.
-- An event tells the reader when the writer is done.
--
-- Run it: ./ipcsh scripts/shared_memory_writer_reader.lua
local name = "shm-demo-" .. ipc.self().pid
local section = ipc.create_mapping(name, {size = 4096})
local view = ipc.map(section)
local done = ipc.create_event(name .. "-written", {manual = true})
print("reader: " .. tostring(section) .. ", " .. tostring(view))

-- The writer: a child that opens the section and the event by name.
local writer = ipc.spawn{ipcsh = ("m = open-mapping %s; v = map $m; write-mem $v 0 \"Hello from the writer\\0\"; "
                                  .. "e = open-event %s-written; set-event $e"):format(name, name)}

assert(done:wait(10000) == "signaled", "the writer signals when it has written")
local text = ipc.read_mem(view, 0, 21)
print("reader sees: " .. text)
print(ipc.hexdump(view, 0, 32))
assert(text == "Hello from the writer")
assert(writer:wait(10000) == "signaled")

-- A read-only view cannot be written.
local ro_view = ipc.map(ipc.open_mapping(name, {access = "read"}), {access = "read"})
local ok, err = pcall(ipc.write_mem, ro_view, 0, "x")
print("writing a read-only view: " .. tostring(err))
assert(not ok and err.code == 5)
