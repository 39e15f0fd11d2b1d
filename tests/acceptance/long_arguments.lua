-- Strings from Lua are lent to a call, not copied (past 15 bytes, when no
-- observer keeps the arguments): what the handler reads must be exactly
-- the bytes given, and whatever outlives the call must be a copy.
local tag = "accept-long-" .. ipc.self().pid
local function pattern(n, seed)  -- bytes that differ along the string, NULs included
  local t = {}
  for i = 1, n do t[i] = string.char((i * 31 + seed) % 256) end
  return table.concat(t)
end

-- shared memory: 64 KB in, the same 64 KB out, at an offset
local m = ipc.create_mapping(tag, {size = 1 << 20})
local v = ipc.map(m)
local block = pattern(65536, 7)
assert(v:write(4096, block) == 65536)
assert(v:read(4096, 65536) == block, "write-mem of 64 KB read back differs")
assert(v:read(4096 + 65535, 1) == block:sub(-1))

-- a write past the view's end is refused before any byte is written
local tail = pattern(8192, 3)
local ok, err = pcall(v.write, v, (1 << 20) - 100, tail)
assert(not ok and tostring(err):find("outside the view", 1, true), tostring(err))
assert(v:read((1 << 20) - 100, 4) == "\0\0\0\0", "a refused write wrote nothing")

-- a mailslot message of 5,000 bytes and a byte-mode pipe of 200,000
local slot = ipc.create_mailslot(tag)
local w = ipc.open_mailslot(tag)
local message = pattern(5000, 11)
w:send(message)
assert(slot:recv() == message)

local r, pw = ipc.pipe{size = 65536}
local chunk = pattern(20000, 13)
assert(pw:write(chunk) == 20000)
assert(r:read() == chunk, "20,000 bytes through an anonymous pipe")
pw:close(); r:close()

-- strings past 15 bytes are lent too: messages of 16 to 4,095 bytes, a name
-- the object keeps, numbers given as long strings (parsed from a copy)
for _, size in ipairs{15, 16, 100, 4095} do
  local m2 = pattern(size, size)
  assert(w:send(m2) == size)
  assert(slot:recv() == m2, size .. " bytes")
end
local long_name = tag .. "-an-event-with-a-long-name"
local named = ipc.create_event(long_name)
assert(named.name:find(long_name, 1, true), named.name)
local opened = ipc.open_event(long_name)
assert(opened.name == named.name)
opened:close(); named:close()
assert(ipc.sleep("00000000000000000001") == nil)
local okn, errn = pcall(ipc.sleep, "0000000000000000001x")
assert(not okn and tostring(errn):find("milliseconds", 1, true), tostring(errn))

-- a long string kept by the shell (echo returns it; a variable holds it)
-- is the caller's bytes, whole, after the call
local kept = ipc.echo(message)
assert(kept == message, "echo of a lent string")
ipc.vars.long = message
assert(ipc.run("echo $long") == message)

-- long strings among a variadic command's arguments are copies too: a
-- script run with a 1 MB argument, echo with two long words
local script = (os.getenv("TEMP") or ".") .. "\\" .. tag .. ".lua"
local f = assert(io.open(script, "w"))
f:write("return #arg[1], arg[1]:sub(-3)\n")
f:close()
local n, last = ipc.run_file(script, string.rep("a", 1 << 20) .. "xyz")
os.remove(script)
assert(n == (1 << 20) + 3 and last == "xyz", tostring(n))
assert(#ipc.echo(string.rep("e", 5000), string.rep("f", 6000)) == 11001)

-- a long name is copied (the object keeps it) and a NUL in it is refused
local ok2, err2 = pcall(ipc.create_event, string.rep("n", 5000) .. "\0x")
assert(not ok2 and tostring(err2):find("NUL", 1, true), tostring(err2))

-- with an observer (trace on), the same calls copy, and still work
local lines = {}
ipc.trace(function(line) lines[#lines + 1] = line end)
v:write(0, block)
ipc.trace(false)
assert(v:read(0, 65536) == block)
w:close(); slot:close(); v:close(); m:close()
print("long arguments: 64 KB, 5,000 and 20,000 bytes round-trip")
