-- Lua inside ipcsh is Lua 5.4: the standard functions a script relies on
-- behave as they do in lua.exe, and basic types carry no metatables.
local dir = assert(os.getenv("TEMP") or os.getenv("TMP"), "a temporary folder")
local tag = "luaislua-" .. ipc.pid(ipc.self())
local function temp_file(name, text)
  local path = dir .. "\\" .. tag .. "-" .. name
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

-- load: a chunk without an env sees the globals; with one, only it
assert(load("return os.time()")() > 0, "load gives a chunk the globals")
assert(load("return string.rep('a', 3)", "=chunk", "t")() == "aaa")
local env = {x = 5}
assert(load("return x", "=chunk", "t", env)() == 5)
assert(load("y = 1", "=chunk", "t", env)() == nil and env.y == 1 and y == nil)
local f = load("return ...")
assert(select("#", f(1, nil, 3)) == 3)
-- an explicit nil env is an environment: no globals at all, as in Lua 5.4
local ok, err = pcall(load("return os", "=chunk", "t", nil))
assert(not ok and err:find("_ENV", 1, true), err)

-- modes: a text chunk under "b" is refused with Lua's own message; binary
-- chunks load by default, as in every Lua
local chunk, message = load("return 1", "=m", "b")
assert(chunk == nil and message:find("attempt to load a text chunk", 1, true), message)
local dumped = string.dump(function(a, b) return a * b end)
assert(load(dumped)(6, 7) == 42, "a binary chunk loads")
chunk, message = load(dumped, "=m", "t")
assert(chunk == nil and message:find("attempt to load a binary chunk", 1, true), message)
-- a reader function
local parts = {"return ", "1 + ", "2"}
local i = 0
assert(load(function() i = i + 1; return parts[i] end)() == 3)

-- loadfile and dofile: functions of the loaded file see the globals
local lib = temp_file("lib.lua", "function lib_twice(s) return string.rep(s, 2) end\nreturn 'loaded', ...")
local a, b = dofile(lib)
assert(a == "loaded" and b == nil and lib_twice("ab") == "abab")
assert(loadfile(lib)("x") == "loaded" and select(2, loadfile(lib)("x")) == "x")
local lib_env = {string = string}
loadfile(lib, "t", lib_env)()
assert(lib_env.lib_twice("q") == "qq")
local missing, why = loadfile(dir .. "\\" .. tag .. "-none.lua")
assert(missing == nil and why:find("cannot open", 1, true), why)
local bad = temp_file("bad.lua", "return +")
local no, syntax = loadfile(bad)
assert(no == nil and syntax:find("unexpected symbol", 1, true), syntax)
ok, err = pcall(dofile, bad)
assert(not ok and err:find("unexpected symbol", 1, true), err)

-- require: ipc, and a module found on package.path
assert(require("ipc") == ipc)
temp_file("mod.lua", "return {answer = 42, global_ok = type(print) == 'function'}")
package.path = dir .. "\\" .. tag .. "-?.lua;" .. package.path
local mod = require("mod")
assert(mod.answer == 42 and mod.global_ok and require("mod") == mod and package.loaded.mod == mod)

-- basic types carry no metatable, so calling a number is Lua's own error
for _, v in ipairs({4, 4.5, true, print, coroutine.create(print)}) do
  assert(getmetatable(v) == nil, type(v) .. " has a metatable")
end
assert(getmetatable("") and getmetatable("").__index == string, "strings keep theirs")
ok, err = pcall(function() local n = 5; return n() end)
assert(not ok and err:find("attempt to call a number value (local 'n')", 1, true), err)
local kid = ipc.spawn{ipcsh = "sleep 1"}
assert(math.type(kid.pid) == "integer" and kid.pid == ipc.pid(kid))
ok, err = pcall(function() return kid:pid() end)
assert(not ok and err:find("attempt to call a number value", 1, true), err)
assert(kid:wait(10000) == "signaled")
kid:close()

-- error objects through pcall, error with levels, xpcall's handler
local slot <close> = ipc.create_mailslot(tag)
ok, err = pcall(slot.recv, slot, {timeout = 0})
assert(not ok and type(err) == "table" and err.name == "ERROR_SEM_TIMEOUT" and err.code == 121)
assert(tostring(err):find("ERROR_SEM_TIMEOUT (121)", 1, true))
ok, err = pcall(error, {custom = 1})
assert(not ok and err.custom == 1)
ok, err = pcall(error, "plain", 0)
assert(err == "plain")
ok, err = pcall(error)
assert(not ok and err == nil)
local handled = select(2, xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
assert(handled:match("^handled: .*deep$"), handled)

-- coroutines across commands: a command inside a coroutine, yields between
local ev = ipc.create_event(nil, {manual = true})
local co = coroutine.create(function(x)
  local y = coroutine.yield(x + 1)
  ev:set()
  local state = ev:wait(0)
  coroutine.yield(state)
  return y * 2
end)
assert(select(2, coroutine.resume(co, 1)) == 2)
assert(select(2, coroutine.resume(co, 21)) == "signaled")
assert(select(2, coroutine.resume(co)) == 42 and coroutine.status(co) == "dead")
local gen = coroutine.wrap(function() for n = 1, 3 do coroutine.yield(n) end end)
assert(gen() == 1 and gen() == 2 and gen() == 3)
ok, err = pcall(coroutine.wrap(function() error("inside") end))
assert(not ok and err:find("inside", 1, true), err)
local failing = coroutine.create(function() ev:set(); ipc.recv(slot, {timeout = 0}) end)
local resumed, failure = coroutine.resume(failing)
assert(not resumed and failure.name == "ERROR_SEM_TIMEOUT", tostring(failure))
ev:close()

-- string.pack and utf8 are the standard ones
assert(string.pack("<i4", 0x01020304) == "\4\3\2\1")
assert(select("#", string.unpack("<i4 z", "\4\3\2\1ab\0")) == 3)
assert(string.packsize("i4 i8") == 12 and string.packsize("!8 i4 i8") == 16)
assert(utf8.char(0xD55C, 0xAE00) == "한글" and utf8.len("한글") == 2)
assert(utf8.codepoint("한", 1) == 0xD55C)
assert(utf8.len("\xff") == nil)

-- os.exit's code is the process's exit code, with or without closing the state
for _, case in ipairs({{"os.exit(3)", 3}, {"os.exit(true)", 0}, {"os.exit(false)", 1}, {"os.exit(7, true)", 7}}) do
  local child = ipc.spawn{ipcsh = "lua " .. case[1]}
  assert(child:wait(10000) == "signaled")
  assert(child:exit_code() == case[2], case[1] .. " exited with " .. tostring(child:exit_code()))
  child:close()
end

-- a trace function that calls a command is not traced by its own calls
local lines, made = {}, {}
ipc.trace(function(line)
  lines[#lines + 1] = line
  local e = ipc.create_event()
  made[#made + 1] = e
  e:close()
end)
local traced = ipc.create_event()
traced:close()
ipc.trace(false)
assert(#lines == 2 and lines[1]:find("CreateEventW", 1, true) and lines[2]:find("CloseHandle", 1, true),
       table.concat(lines, "\n"))
assert(#made == 2 and made[1].closed and made[2].closed)

-- errors inside errors: a failure in a nested run carries one traceback,
-- and a deep stack shows its first and last frames, not all of them
local function count(text, word)
  local n, at = 0, 1
  while true do
    local s, e = text:find(word, at, true)
    if not s then return n end
    n, at = n + 1, e + 1
  end
end
local overflow = temp_file("overflow.lua", "local function f(n) return 1 + f(n + 1) end\nf(1)\n")
ok, err = pcall(ipc.run_file, overflow)
assert(not ok and count(err, "stack overflow") == 1 and err:find("levels more)", 1, true), err)
assert(count(err, "\n") <= 25, ("%d lines"):format(count(err, "\n")))
local self_path = temp_file("self.lua", "assert(select(\"#\", ...) == 1 and ... == arg[0])\nipc.run_file(arg[0], arg[0])\n")
ok, err = pcall(ipc.run_file, self_path, self_path)
assert(not ok and count(err, "C stack overflow") == 1, err)
assert(count(err, "\n") <= 25 and #err < 4000, ("%d lines, %d bytes"):format(count(err, "\n"), #err))
for _, name in ipairs({"lib.lua", "bad.lua", "mod.lua", "overflow.lua", "self.lua"}) do
  os.remove(dir .. "\\" .. tag .. "-" .. name)
end
