-- ipcsh --lua-defs, read by the embedded Lua: it compiles, it defines what
-- the library has, and a few commands carry the annotations they should.
local path = assert(arg[1], "usage: check_lua_defs.lua FILE")
local file = assert(io.open(path, "rb"))
local text = file:read("a")
file:close()

-- It is Lua: it compiles, and run in an empty environment it defines a
-- function for every row and for the library's own.
local chunk, err = load(text, "=" .. path, "t", {})
assert(chunk, err)
local env = {}
local defined = assert(load(text, "=" .. path, "t", env))()
assert(defined == env.ipc, "the file returns ipc")
for _, c in ipairs(ipc.commands()) do
  if c.lua == "vars" then  -- the library's table, callable: ipc.vars()
    assert(type(env.ipc.vars) == "table" and text:find("\n---@overload fun(): table<string, any>\nipc.vars = {}\n", 1, true),
           "ipc.vars is not declared callable")
  else
    assert(type(env.ipc[c.lua]) == "function", "no function ipc." .. c.lua)
    assert(text:find("\nfunction ipc." .. c.lua .. "(", 1, true), "no line 'function ipc." .. c.lua .. "('")
  end
end
for _, name in ipairs{"run", "handle", "commands"} do
  assert(type(env.ipc[name]) == "function", "no function ipc." .. name)
end
assert(type(env.ipc.vars) == "table", "no ipc.vars")
for _, name in ipairs{"skip", "expect_error", "eventually"} do
  assert(type(env[name]) == "function", "no function " .. name)
end

-- Real annotations, as a user's editor reads them.
local function has(expected)
  if not text:find(expected, 1, true) then
    error("--lua-defs lacks:\n" .. expected, 2)
  end
end
has([[
---@class ipcsh.create_mailslot.options
---@field max_size? integer largest message in bytes (0: any)
---@field timeout? integer|"forever" read timeout (default forever)
---@field inherit? boolean make the new handle inheritable
]])
has([[
---@param name string
---@param options? ipcsh.create_mailslot.options
---@return ipcsh.mailslot slot its reader end
function ipc.create_mailslot(name, options) end
]])
has([[
---@return string status "signaled", "abandoned" or "timeout"
---@return integer? index which handle (1-based); nil on timeout
function ipc.wait(...) end
]])
has([[
---@param h ipcsh.semaphore|integer
---@param n? integer
---@return integer previous the count before
---@return integer released N
function ipc.release_semaphore(h, n) end
]])
-- the method forms: a short name on its kind, a value after self as a flag
has("function ipcsh_event:set() end\n")
has("---@param timeout? integer|\"forever\" give up after MS (default forever; Ctrl+C ends it)\n")
has("function ipcsh_process:wait(timeout, options) end\n")
has("---@class ipcsh.error\n---@field code? integer")
print("lua-defs: " .. #ipc.commands() .. " commands, " .. select(2, text:gsub("\nfunction ", "")) .. " functions, loads as Lua")
