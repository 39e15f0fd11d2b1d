-- Shared memory: a section by name, views, a child writer, read-only access.
local tag = "accept-shm-" .. ipc.self().pid
local m = ipc.create_mapping(tag, {size = 8192})
assert(m.kind == "mapping" and m:info().type == "Section", tostring(m))
local v = ipc.map(m)
assert(v.kind == "view" and v:info().size >= 8192 and v:info().writable == true, tostring(v))
assert(ipc.read_mem(v, 0, 4) == "\0\0\0\0", "pagefile-backed sections start zeroed")

-- the same name is the same object
local again = ipc.create_mapping(tag, {size = 8192})
assert(tostring(again):find("opened existing", 1, true) and m:info().handle_count == 2)

-- a child opens it by name and writes; we read it through our view
local kid = ipc.spawn{ipcsh = ("m = open-mapping %s; v = map $m; write-mem $v 100 \"written by the child\\0\""):format(tag)}
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0, "child exit " .. tostring(kid:exit_code()))
assert(ipc.read_mem(v, 100, 21) == "written by the child\0")

-- two views of one section see the same bytes; binary and UTF-8 round-trip
local v2 = m:map{size = 4096}
ipc.write_mem(v, 0, "안녕\0\255")
assert(ipc.read_mem(v2, 0, 8) == "안녕\0\255")
assert(v2:info().size == 4096)

-- hexdump: offset, hex in two groups of 8, ASCII - one value, the text, so
-- print(ipc.hexdump(v)) prints no raw bytes after it
assert(select("#", ipc.hexdump(v, 100, 21)) == 1, "hexdump returns " .. select("#", ipc.hexdump(v, 100, 21)) .. " values")
local text = ipc.hexdump(v, 100, 21)
assert(text == "00000064  77 72 69 74 74 65 6e 20  62 79 20 74 68 65 20 63  |written by the c|\n"
           .. "00000074  68 69 6c 64 00" .. (" "):rep(36) .. "|hild.|", text)
assert(v:hexdump(100, 5) == "00000064  77 72 69 74 74" .. (" "):rep(36) .. "|writt|", v:hexdump(100, 5))

-- read-only: the kernel refuses a writable view; ipcsh refuses writes to a read-only view
local ro = ipc.open_mapping(tag, {access = "read"})
local ok, err = pcall(ipc.map, ro)
assert(not ok and err.name == "ERROR_ACCESS_DENIED" and err.code == 5 and err.api == "MapViewOfFile", tostring(err))
local rv = ipc.map(ro, {access = "read"})
assert(rv:info().writable == false and ipc.read_mem(rv, 100, 7) == "written")
ok, err = pcall(ipc.write_mem, rv, 0, "x")
assert(not ok and err.name == "ERROR_ACCESS_DENIED" and err.code == 5, tostring(err))

-- out of bounds is an argument error; an unmapped view is gone
ok, err = pcall(ipc.read_mem, v2, 4090, 10)
assert(not ok and tostring(err):find("outside the view", 1, true), tostring(err))
ipc.unmap(v2)
assert(v2.closed)
ok, err = pcall(ipc.read_mem, v2, 0, 1)
assert(not ok and err.code == 6, tostring(err))
ok, err = pcall(ipc.open_mapping, tag .. "-none")
assert(not ok and err.name == "ERROR_FILE_NOT_FOUND", tostring(err))
ok, err = pcall(ipc.map, m, {offset = 100})
assert(not ok and err.api == "MapViewOfFile", "unaligned offset: " .. tostring(err))

-- What read-mem returns is the caller's own: it stays whole after the view
-- is written again and unmapped (from Lua, from ipc.run, kept in $r).
local v3 = ipc.map(m)
v3:write(0, ("m"):rep(8192))
local kept = v3:read(0, 8192)
ipc.vars.v3 = v3
local via_run = ipc.run("read-mem $v3 0 8192")
ipc.run("r = read-mem $v3 0 8192")
v3:write(0, ("z"):rep(8192))
ipc.unmap(v3)
assert(kept == ("m"):rep(8192) and via_run == kept, "read-mem's bytes changed with the view")
assert(ipc.vars.r == kept, "a kept $r changed with the view")
