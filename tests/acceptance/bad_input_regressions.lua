-- Inputs that once crashed, hung or were silently wrong: each now gets one
-- clear error (naming the parameter) or the right result, and the shell
-- goes on.
local tag = "badin-" .. ipc.pid(ipc.self())

local function fails(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error")
  return tostring(err)
end
local function expect(text, fn, ...)
  local err = fails(fn, ...)
  assert(err:find(text, 1, true), ("expected %q in: %s"):format(text, err))
end

-- a number that is no view is never used as an address
local m = ipc.create_mapping(tag, {size = 4096})
local v = m:map()
expect("VIEW: 0x9999 is not a view of this shell", ipc.run, "read-mem 0x9999 0 16")
expect("VIEW: 0x9999 is not a view of this shell", ipc.run, "hexdump 0x9999")
expect("outside the view", ipc.read_mem, v, 0x7fffffffffffffff, 1)
expect("outside the view", ipc.read_mem, v, 1, 0x7fffffffffffffff)
assert(ipc.read_mem(v, 4095, 1) == "\0")

-- numbers never wrap: each parameter has a range
expect("--max: 4294967295 is out of range 0..16777216", ipc.run, "recv 0x4 --max 4294967295")
expect("--max: -1 is out of range", ipc.run, "recv 0x4 --max -1")
expect("P: a handle expected", ipc.run, "kill 0xFFFFFFFFFFFFFFFF 7")
expect("H: a handle expected", ipc.run, "wait 0xFFFFFFFFFFFFFFFF")
expect("P: a handle value is 0..0x3ffffff, or -1 for this process; got 0xffffffff", ipc.run, "kill 0xffffffff")
expect("a handle value is 0..0x3ffffff", ipc.run, "kill 0x7fffffff")  -- Wine: this process
local me = ipc.run("dup -1")
expect("is this shell itself", ipc.kill, me)                          -- a real handle to ourselves
expect("is this shell itself", ipc.wait, me)
me:close()
expect("P: -1 is this shell itself", ipc.run, "kill -1 7")
expect("H: -1 is this shell itself", ipc.run, "wait -1")
assert(ipc.wait(ipc.self(), {timeout = 0}) == "timeout")
expect("MS: milliseconds 0..4294967294 or 'forever' expected, got '-5'", ipc.run, "sleep -5")
expect("--size: -1 is out of range 1..2^63-1", ipc.run, "create-mapping " .. tag .. "-x --size -1")
expect("CODE: 4294967296 is out of range 0..4294967295", ipc.run, "kill 0x4 4294967296")

-- --switch=VALUE means what it says
local e1 = ipc.run("create-event --inherit=no")
assert(e1.inherit == false, "--inherit=no gave an inheritable handle")
local e2 = ipc.run("create-event --inherit=yes")
assert(e2.inherit == true)
expect("--inherit: yes/no, true/false or on/off expected after '=', got 'junk'", ipc.run, "create-event --inherit=junk")
-- a choice lists its words
expect("--access: duplex, in or out expected, got 'sideways'", ipc.run, "create-pipe " .. tag .. " --access sideways")

-- a NUL inside a name would end it early and open another object
expect("NAME: a name cannot hold a NUL byte", ipc.create_event, "a\0b")
expect("NAME: a name cannot hold a NUL byte", ipc.run, 'create-mailslot "x\\0y"')

-- Lua tables: cyclic or too deep is an argument error, not a crash
local t = {}
t[1] = t
expect("a table that contains itself", ipc.echo, t)
local deep = {}
for _ = 1, 100 do deep = {deep} end
expect("a table nested more than 32 deep", ipc.echo, deep)

-- __gc is not reachable from Lua's getmetatable, and harmless when forced
assert(getmetatable(e1) == "ipcsh.handle")
local gc = debug.getmetatable(e1).__gc
gc(e1)
gc(e1)
expect("holds nothing", function() return e1.value end)
assert(ipc.run("echo still here") == "still here")

-- get-message without a window would wait forever: refused
expect("no window of this shell", ipc.get_message)

-- dup takes literal values like every handle parameter
local ev = ipc.create_event()
local copy = ipc.run(("dup %d"):format(ev.value))
assert(copy.kind == "event" and copy.value ~= ev.value, tostring(copy))
local me = ipc.run("dup -1")
assert(me.kind == "process" and me.value > 0 and me.pid == ipc.pid(ipc.self()), tostring(me))
local kid = ipc.spawn{ipcsh = "sleep 10000"}
local there = ipc.dup(ev, {to = kid})                  -- the value the copy has in the child
assert(math.type(there) == "integer" and there > 0)
local back = ipc.run(("k = dup %d --from %d"):format(there, kid.value))  -- literal values both
assert(back.kind == "event", tostring(back))
ipc.set_event(back)
assert(ev:info().signaled == true, "the copy taken back is the same event")
expect("DuplicateHandle: ERROR_INVALID_HANDLE", ipc.run, ("dup 0x3fffffc --from %d"):format(kid.value))
kid:kill()

-- create-mailslot --inherit gives an inheritable handle (Wine ignores
-- bInheritHandle in CreateMailslotW; ipcsh sets the flag afterwards)
local slot = ipc.create_mailslot(tag, {inherit = true})
assert(slot.inherit == true and slot:info().inherit == true)

-- the rest of a `lua` line is taken as typed
assert(ipc.run('lua return "a  b" .. #"xyz"') == "a  b3")
assert(ipc.run("lua return 1; -- ; not a separator") == 1)

-- run FILE is ipc.run_file; ipc.run is shell text
assert(type(ipc.run_file) == "function" and ipc.run("echo x") == "x")
