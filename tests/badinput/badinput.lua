-- Bad-input generator and Lua-mode runner for tests/badinput/badinput.sh.
-- Everything comes from ipc.commands(): a command added to the table is
-- covered without touching this file.
--
--   ipcsh badinput.lua gen RUNTAG [SHARD SHARDS]
--       writes, in the working directory, for the commands of shard SHARD
--       of SHARDS (default 1 of 1: every command; the shards are balanced by
--       their inputs and processes, the same split on every run of a build):
--         commands.txt        IDX <tab> NAME <tab> LUA <tab> LUA_ONLY
--         sh-IDX.in           shell-mode input: fixtures, "@@ 0", then each
--                             input line followed by its marker "@@ K" (on
--                             stdout and stderr), a final command, "@@ end"
--         sh-IDX.off          K <tab> byte offset of input K in sh-IDX.in
--         sh-IDX.desc, lua-IDX.desc
--                             K <tab> ENDS <tab> description; ENDS is "-",
--                             "any" (may end this process by design) or an
--                             exit code the input must end the process with
--         notes.txt           what is left out or added, and why
--   ipcsh badinput.lua lua RUNTAG IDX START
--       Lua mode for command IDX: fixtures, "@@ 0", then from input START on
--       each call inside pcall - an error's text on stderr, a result as
--       "=> ..." on stdout - followed by its marker "@@ K" on both streams;
--       then a final command and "@@ end".
local mode, runtag = arg[1], arg[2]
assert(mode == "gen" or mode == "lua", "usage: badinput.lua gen RUNTAG [SHARD SHARDS] | lua RUNTAG IDX START")
assert(runtag and runtag:match("^[%w-]+$"), "RUNTAG: letters, digits and dashes")

local commands = ipc.commands()
local MB = string.rep("A", 1 << 20)
local notes = {}
local function note(text)
  if mode == "gen" then notes[#notes + 1] = text end
end

-- Objects that inputs refer to, by kind: how to make one (shell text; %s is
-- a unique name). A kind not listed here is noted and left to the others.
local recipes = {
  {kind = "event", make = "create-event"},
  {kind = "mailslot", make = "create-mailslot %s"},
  {kind = "pipe", make = "create-pipe %s"},
  {kind = "mutex", make = "create-mutex"},
  {kind = "semaphore", make = "create-semaphore --initial 0 --max 1"},
  {kind = "timer", make = "create-timer"},
  {kind = "mapping", make = "create-mapping %s --size 4096"},
  {kind = "view", make = "map $fx_mapping", needs = "mapping"},
  -- suspended, so it never runs; it ends with the shell (kill-on-close job)
  {kind = "process", make = "spawn --suspended -- ipcsh.exe --version", closed = "dup $fx_process"},
  {kind = "socket", make = "tcp-listen 0 --host 127.0.0.1"},
  {kind = "window", make = "create-window %s"},
}
local recipe_of = {}
for _, r in ipairs(recipes) do recipe_of[r.kind] = r end

-- Inputs that would legitimately wait forever or run a child get a bound:
-- every timeout-typed flag not under test is given 0 (by type, from the
-- table), and spawn's children stay suspended (their output would land in
-- the middle of later inputs).
local safety_switches = {spawn = {"suspended"}}

local function kinds_of(text)
  local out = {}
  if not text then return out end
  text = text:gsub(" or ", ", ")
  for k in text:gmatch("[^,%s]+") do out[#out + 1] = k end
  return out
end

local function has(list, x)
  for _, v in ipairs(list) do if v == x then return true end end
  return false
end

local function underscores(name) return (name:gsub("-", "_")) end

-- The kind of fixture that is valid for a handle parameter, and one that is
-- the wrong kind (nil when every kind is accepted).
local function valid_kind(p)
  local ks = kinds_of(p.kinds)
  if p.type == "any" or has(ks, "handle") then return "event" end
  for _, k in ipairs(ks) do if recipe_of[k] then return k end end
  return nil
end
local function wrong_kind(p)
  local ks = kinds_of(p.kinds)
  if p.type == "any" or has(ks, "handle") then return nil end
  for _, r in ipairs(recipes) do
    if not has(ks, r.kind) then return r.kind end
  end
  return nil
end
local function takes_process(p)
  local ks = kinds_of(p.kinds)
  return (p.type == "handle" or p.type == "handles") and (has(ks, "process") or has(ks, "handle"))
end

local function is_switch(f) return f.type == "boolean" or f.type == "boolean_or_handles" end

-- A valid value: shell word, Lua value (F resolves fixtures).
local function valid_sh(c, p)
  local t = p.type
  if t == "string" or t == "strings" then return "x" end
  if t == "name" then return runtag end
  if t == "integer" then
    if p.min <= 0 and 0 <= p.max then return "0" end
    return tostring(p.min)
  end
  if t == "choice" then return p.choices[1] end
  if t == "callback" or t == "boolean" then return "off" end
  if t == "timeout" then return "0" end
  if t == "text" then return "ipcsh.exe --version" end
  if t == "handle" or t == "handles" or t == "any" then
    local k = valid_kind(p)
    return k and ("$fx_" .. k) or "-1"
  end
  return "x"
end
local function valid_lua(F, p)
  local t = p.type
  if t == "string" then return "x" end
  if t == "strings" then return {"x"} end
  if t == "name" then return runtag end
  if t == "integer" then
    if p.min <= 0 and 0 <= p.max then return 0 end
    return p.min
  end
  if t == "choice" then return p.choices[1] end
  if t == "callback" or t == "boolean" then return false end
  if t == "boolean_or_handles" then return true end
  if t == "timeout" then return 0 end
  if t == "text" then return "ipcsh.exe --version" end
  if t == "handle" or t == "any" then
    local k = valid_kind(p)
    return k and F.fx(k) or -1
  end
  if t == "handles" then
    local k = valid_kind(p)
    return {k and F.fx(k) or -1}
  end
  return "x"
end

-- Decimal text of an integer bound plus or minus one, beyond int64 too.
local function beyond(n, delta)
  if n == math.maxinteger and delta > 0 then return "9223372036854775808" end
  if n == math.mininteger and delta < 0 then return "-9223372036854775809" end
  return tostring(n + delta)
end

-- The bad words of the shell, then those of a parameter's type.
local sh_common = {
  {"empty", '""'},
  {"NUL (escaped)", '"\\0"'},
  {"NUL (raw byte)", "\0"},
  {"control bytes (raw)", "\1\7\27[31m\127"},
  {"control bytes (escaped)", '"\\x01\\x1b[2J\\r"'},
  {"Hangul", "한글"},
  {"1 MB word", MB},
  {"0", "0"},
  {"-1", "-1"},
  {"2^32", "4294967296"},
  {"2^64", "18446744073709551616"},
  {"bogus word", "bogus"},
  {"huge literal", "99999999999999999999999999"},
  {"bare 0x", "0x"},
  {"float", "1.5"},
  {"int64 min - 1", "-9223372036854775809"},
  {"undefined variable", "$nosuch"},
}
local function sh_bad(p)
  local list, seen = {}, {}
  local function add(label, word)
    if not seen[word] then
      seen[word] = true
      list[#list + 1] = {label, word}
    end
  end
  for _, b in ipairs(sh_common) do add(b[1], b[2]) end
  if p.type == "handle" or p.type == "handles" or p.type == "any" then
    local w, v = wrong_kind(p), valid_kind(p)
    if w then add("wrong-kind handle (" .. w .. ")", "$fx_" .. w) end
    if v then add("closed handle (" .. v .. ")", "$fx_closed_" .. v) end
    if p.type == "handles" and v then
      add("handle list with a trailing comma", "$fx_" .. v .. ",")
      add("handle list of commas", ",,")
    end
  end
  if p.type == "integer" then
    add("min - 1", beyond(p.min, -1))
    add("max + 1", beyond(p.max, 1))
  end
  return list
end

-- Lua's bad values; F resolves fixtures (real objects when running, names
-- when generating: the list has the same shape either way).
local function lua_bad(F, p)
  local list = {
    {"nil", nil}, {"true", true}, {"false", false}, {"1.5", 1.5},
    {"math.maxinteger", math.maxinteger}, {"math.mininteger", math.mininteger},
    {"0", 0}, {"-1", -1}, {"2^32", 1 << 32}, {"2^64 (float)", 2.0 ^ 64},
    {"math.huge", math.huge}, {"NaN", 0 / 0},
    {'""', ""}, {'"\\0"', "\0"}, {"control bytes", "\1\7\27[31m\127"}, {"Hangul", "한글"},
    {"1 MB string", MB}, {'"bogus"', "bogus"}, {'"99999999999999999999999999"', "99999999999999999999999999"},
    {'"4294967296"', "4294967296"}, {'"-1"', "-1"},
    {"a function", F.fn}, {"a cyclic table", F.cyclic}, {"a table nested 100 deep", F.deep},
    {"an array {1, 2}", {1, 2}},
  }
  if p.type == "handle" or p.type == "handles" or p.type == "any" then
    local w, v = wrong_kind(p), valid_kind(p)
    list[#list + 1] = {"handle userdata of the wrong kind (" .. (w or "event") .. ")", F.fx(w or "event")}
    if v then list[#list + 1] = {"closed handle userdata (" .. v .. ")", F.closed(v)} end
  end
  if p.type == "integer" then
    -- beyond int64 only a float can go: -2^64 and 2^63
    local lo = p.min == math.mininteger and -(2.0 ^ 64) or p.min - 1
    local hi = p.max == math.maxinteger and 2.0 ^ 63 or p.max + 1
    list[#list + 1] = {"below min (" .. tostring(lo) .. ")", lo}
    list[#list + 1] = {"above max (" .. tostring(hi) .. ")", hi}
  end
  -- true/false are the valid values of a boolean, not bad ones (and
  -- {detach = true} would leave a child behind)
  if p.type == "boolean" or p.type == "boolean_or_handles" then
    local out = {}
    for _, b in ipairs(list) do
      if type(b[2]) ~= "boolean" then out[#out + 1] = b end
    end
    list = out
  end
  return list
end

-- Display form of a shell word or line: control bytes escaped, long words cut.
local function show(text)
  if #text > 80 then text = text:sub(1, 20) .. ("...(%d bytes)"):format(#text) end
  return (text:gsub("[%z\1-\31\127]", function(ch) return ("\\x%02x"):format(ch:byte()) end))
end

local function required_count(c)
  local n = 0
  for _, p in ipairs(c.params) do if not p.optional then n = n + 1 end end
  return n
end

-- exit ends the process by design: an input of `exit` whose arguments the
-- table's own range admits must end it with that code (its low 8 bits under
-- Wine). (Elsewhere: a handle value of -1 where a process is accepted is
-- this process, so such an input may end it - "any" - as kill -1 could.)
local function exit_code_of(c, values, extra)
  if c.name ~= "exit" or extra then return nil end
  local p = c.params[1]
  local v = values[1]
  if v == nil then return 0 end
  if #values > 1 then return nil end
  if type(v) == "string" then v = v:match("^%d+$") and math.tointeger(tonumber(v)) end
  if math.type(v) ~= "integer" or v < p.min or v > p.max then return nil end
  return v & 0xff
end

------------------------------------------------------------------ shell mode
-- One case: {desc, words, ends}; the line is the words joined by blanks
-- (never made as one string: a fresh 1 MB string costs ~12 ms under Wine).
-- Words: positional words in order, then flags; a text parameter goes last
-- (after "--" when the command has flags).
local function sh_line(c, pos, text, flags)
  local parts = {c.name}
  for _, w in ipairs(pos) do parts[#parts + 1] = w end
  for _, f in ipairs(flags) do parts[#parts + 1] = f end
  if text then
    if #c.flags > 0 then parts[#parts + 1] = "--" end
    parts[#parts + 1] = text
  end
  local shown = {}
  for i, w in ipairs(parts) do shown[i] = show(w) end
  return parts, table.concat(shown, " ")
end

local function sh_safety(c, except)
  local out = {}
  for _, f in ipairs(c.flags) do
    if f.name ~= except and f.type == "timeout" then out[#out + 1] = "--" .. f.name .. " 0" end
  end
  for _, s in ipairs(safety_switches[c.name] or {}) do
    if s ~= except then out[#out + 1] = "--" .. s end
  end
  return out
end

local function sh_cases(c)
  local cases = {}
  local function add(desc, pos, text, flags, ends)
    local words, shown = sh_line(c, pos, text, flags)
    cases[#cases + 1] = {desc = desc .. ": " .. shown, words = words, ends = ends or "-"}
  end
  -- valid positional words and text: every parameter, or the required ones
  local function base(all)
    local pos, text = {}, nil
    for _, p in ipairs(c.params) do
      if all or not p.optional then
        local w = valid_sh(c, p)
        if p.type == "text" then text = w else pos[#pos + 1] = w end
      end
    end
    return pos, text
  end
  local everything = required_count(c) == 0
  local function process_ends(words)
    for i, p in ipairs(c.params) do
      if takes_process(p) and words[i] == "-1" then return "any" end
    end
    return nil
  end

  -- no arguments (a command with nothing required that waits gets its
  -- timeouts bounded: it would wait by design)
  do
    local flags = everything and sh_safety(c) or {}
    add("no arguments", {}, nil, flags, exit_code_of(c, {}, #flags > 0))
  end
  -- extra arguments after every parameter given
  do
    local pos, text = base(true)
    if text then text = text .. " extra1 extra2" else pos[#pos + 1] = "extra1"; pos[#pos + 1] = "extra2" end
    add("extra arguments", pos, text, sh_safety(c))
  end
  -- each positional parameter: every bad word, the earlier ones valid, the
  -- later ones only if required
  for i, p in ipairs(c.params) do
    for _, b in ipairs(sh_bad(p)) do
      local pos, text, values = {}, nil, {}
      for j, q in ipairs(c.params) do
        local w
        if j == i then w = b[2]
        elseif j < i or not q.optional then w = valid_sh(c, q) end
        if w then
          if q.type == "text" then text = w else pos[#pos + 1] = w; values[#values + 1] = w end
        end
      end
      local ends = exit_code_of(c, values, false)
      if p.type ~= "text" and takes_process(p) and b[2] == "-1" then ends = "any" end
      add(("%s = %s"):format(p.name, b[1]), pos, text, sh_safety(c), ends)
    end
  end
  -- flags: unknown ones, then each flag's bad forms on a valid base
  local bpos, btext = base(everything)
  local bends = process_ends(bpos)
  add("unknown flag", bpos, btext, (function()
    local f = sh_safety(c); f[#f + 1] = "--bogus-flag"; return f end)())
  add("unknown flag with a value", bpos, btext, (function()
    local f = sh_safety(c); f[#f + 1] = "--bogus-flag=junk"; return f end)())
  add("nameless flag", bpos, btext, (function()
    local f = sh_safety(c); f[#f + 1] = "--=junk"; return f end)())
  for _, f in ipairs(c.flags) do
    local function with(...)
      local fl = sh_safety(c, f.name)
      for _, word in ipairs{...} do fl[#fl + 1] = word end
      return fl
    end
    if is_switch(f) then
      add(("--%s=junk"):format(f.name), bpos, btext, with("--" .. f.name .. "=junk"), bends)
      add(("--%s= (empty)"):format(f.name), bpos, btext, with("--" .. f.name .. "="), bends)
    else
      -- without a value: last on the line, so nothing follows it
      add(("--%s without a value"):format(f.name), bpos, nil, with("--" .. f.name), bends)
      add(("--%s= (empty)"):format(f.name), bpos, btext, with("--" .. f.name .. "="), bends)
      for _, b in ipairs(sh_bad(f)) do
        local ends = bends
        if takes_process(f) and b[2] == "-1" then ends = "any" end
        add(("--%s %s"):format(f.name, b[1]), bpos, btext, with("--" .. f.name, b[2]), ends)
      end
    end
  end
  return cases
end

-------------------------------------------------------------------- Lua mode
-- One case: {desc, args (packed), ends}.
local function lua_safety(c, except)
  local out, any = {}, false
  for _, f in ipairs(c.flags) do
    if f.name ~= except and f.type == "timeout" then out[underscores(f.name)] = 0; any = true end
  end
  for _, s in ipairs(safety_switches[c.name] or {}) do
    if s ~= except then out[underscores(s)] = true; any = true end
  end
  return out, any
end

local function lua_show(v, label)
  if label then return label end
  if type(v) == "string" then return ("%q"):format(show(v)) end
  if type(v) == "userdata" then return "<" .. tostring(v) .. ">" end
  return tostring(v)
end

local function lua_cases(c, F)
  local cases = {}
  local fn = "ipc." .. c.lua
  -- args: list of {value, label}; opts: table or nil
  local function add(desc, args, opts, ends, extra)
    local packed, shown = {n = 0}, {}
    for i, a in ipairs(args) do
      packed[i] = a[1]; packed.n = i
      shown[#shown + 1] = lua_show(a[1], a[2])
    end
    if opts and next(opts) ~= nil then
      packed.n = packed.n + 1
      packed[packed.n] = opts.__value or opts
      shown[#shown + 1] = opts.__label or (function()
        local parts = {}
        for k, v in pairs(opts) do parts[#parts + 1] = ("%s = %s"):format(tostring(k), lua_show(v)) end
        table.sort(parts)
        return "{" .. table.concat(parts, ", ") .. "}"
      end)()
    end
    local values = {}
    for i = 1, #args do values[i] = args[i][1] end
    ends = ends or exit_code_of(c, values, extra or (opts ~= nil and next(opts) ~= nil))
    cases[#cases + 1] = {desc = desc .. ": " .. fn .. "(" .. table.concat(shown, ", ") .. ")", args = packed,
                         ends = ends or "-"}
  end
  local everything = required_count(c) == 0
  local function base(all)
    local args = {}
    for _, p in ipairs(c.params) do
      if all or not p.optional then args[#args + 1] = {valid_lua(F, p)} end
    end
    return args
  end

  do
    local opts, any = lua_safety(c)
    add("no arguments", {}, everything and any and opts or nil)
  end
  do
    local args = base(true)
    args[#args + 1] = {"extra1"}; args[#args + 1] = {"extra2"}
    add("extra arguments", args, (lua_safety(c)), nil, true)
  end
  for i, p in ipairs(c.params) do
    for _, b in ipairs(lua_bad(F, p)) do
      local args = {}
      for j, q in ipairs(c.params) do
        if j == i then args[#args + 1] = {b[2], b[1]}
        elseif j < i or not q.optional then args[#args + 1] = {valid_lua(F, q)} end
      end
      local ends
      if takes_process(p) and (b[2] == -1 or b[2] == "-1") then ends = "any" end
      add(("%s = %s"):format(p.name, b[1]), args, (lua_safety(c)), ends)
    end
  end
  local bargs = base(everything)
  local function bends()
    for i, p in ipairs(c.params) do
      if takes_process(p) and bargs[i] and bargs[i][1] == -1 then return "any" end
    end
  end
  do
    local opts = lua_safety(c); opts.bogus_key = 1
    add("options with an unknown key", bargs, opts, bends(), true)
    local o2 = lua_safety(c)
    local t = {}
    for k, v in pairs(o2) do t[k] = v end
    t[true] = 1
    add("options with a non-string key", bargs, {__value = t, __label = "{[true] = 1, ...safety}"}, bends(), true)
  end
  -- the method form: h:command(x) on a valid handle, x any bad value (a
  -- number there may mean a flag: kid:wait(5000) is the timeout)
  local first = c.params[1]
  -- (a handle's fields win over methods: kid.pid is a number, so there is
  -- no kid:pid(); calling it is Lua's own "attempt to call a number value")
  local fields = {value = true, kind = true, name = true, inherit = true, closed = true, pid = true, port = true}
  if first and (first.type == "handle" or first.type == "any") and valid_kind(first) and not fields[c.lua] then
    local k = valid_kind(first)
    local second = c.params[2] or {type = "any"}
    for _, b in ipairs(lua_bad(F, second)) do
      local args = {{F.fx(k)}, {b[2], b[1]}}
      local n = #cases
      add(("method form, second argument = %s"):format(b[1]), args, nil, nil, true)
      local case = cases[n + 1]
      case.method = true
      case.desc = case.desc:gsub("^(.-): ipc%.[%w_]+%(<([%w ]+)>, ", ("%%1: <%%2>:%s("):format(c.lua))
    end
  end
  for _, f in ipairs(c.flags) do
    local key = underscores(f.name)
    for _, b in ipairs(lua_bad(F, f)) do
      if b[2] ~= nil then
        local opts = lua_safety(c, f.name)
        opts[key] = b[2]
        local ends = bends()
        if takes_process(f) and (b[2] == -1 or b[2] == "-1") then ends = "any" end
        local shown = {}
        for k, v in pairs(opts) do shown[#shown + 1] = ("%s = %s"):format(k, k == key and b[1] or lua_show(v)) end
        table.sort(shown)
        add(("{%s = %s}"):format(key, b[1]), bargs,
            {__value = opts, __label = "{" .. table.concat(shown, ", ") .. "}"}, ends, true)
      end
    end
  end
  return cases
end

----------------------------------------------------------------- fixtures
-- The fixture kinds a command's inputs use.
local function needed_kinds(c)
  local need, order = {}, {}
  local function want(k)
    if k and not need[k] then
      local r = recipe_of[k]
      if r and r.needs then want(r.needs) end
      need[k] = true
      order[#order + 1] = k
    end
  end
  want("event")
  local function scan(p)
    if p.type == "handle" or p.type == "handles" or p.type == "any" then
      want(valid_kind(p)); want(wrong_kind(p))
    end
  end
  for _, p in ipairs(c.params) do scan(p) end
  for _, f in ipairs(c.flags) do scan(f) end
  return order
end

-- Shell lines creating each needed fixture and a closed one of its kind.
local function fixture_lines(c, idxtag)
  local lines = {}
  for _, k in ipairs(needed_kinds(c)) do
    local r = recipe_of[k]
    lines[#lines + 1] = ("fx_%s = " .. r.make):format(k, ("%s-%s1"):format(idxtag, k))
    lines[#lines + 1] = ("fx_closed_%s = " .. (r.closed or r.make)):format(k, ("%s-%s2"):format(idxtag, k))
    lines[#lines + 1] = ("close $fx_closed_%s"):format(k)
  end
  return lines
end

local function find_command(idx)
  local c = commands[idx]
  assert(c, "no command " .. tostring(idx))
  return c
end

local function marker(k)
  return ('lua print("@@ %s") io.stderr:write("@@ %s\\n") io.stderr:flush()'):format(k, k)
end

if mode == "gen" then
  local listing = assert(io.open("commands.txt", "wb"))
  local placeholder = {
    fx = function(k) return setmetatable({}, {__tostring = function() return "<" .. k .. ">" end}) end,
    closed = function(k) return setmetatable({}, {__tostring = function() return "<closed " .. k .. ">" end}) end,
    fn = function() end, cyclic = {}, deep = {},
  }
  -- The shards: each command (both its modes) goes to the shard with the
  -- least work so far, the heaviest commands first; a command's work is its
  -- inputs plus 80 per process (a Wine process's start costs about as much
  -- as 80 inputs).
  local shard, shards = math.tointeger(tonumber(arg[3] or "1")), math.tointeger(tonumber(arg[4] or "1"))
  assert(shards and shards >= 1 and shard and shard >= 1 and shard <= shards, "SHARD SHARDS: 1 <= SHARD <= SHARDS")
  local mine = {}
  do
    local work = {}
    for idx, c in ipairs(commands) do
      local saved = runtag
      runtag = ("%s-%d"):format(saved, idx)
      local w = #lua_cases(c, placeholder) + 80
      if not c.lua_only then w = w + #sh_cases(c) + 80 end
      runtag = saved
      work[#work + 1] = {idx = idx, w = w}
    end
    table.sort(work, function(a, b) if a.w ~= b.w then return a.w > b.w end return a.idx < b.idx end)
    local load = {}
    for i = 1, shards do load[i] = 0 end
    for _, x in ipairs(work) do
      local best = 1
      for i = 2, shards do if load[i] < load[best] then best = i end end
      load[best] = load[best] + x.w
      if best == shard then mine[x.idx] = true end
    end
  end
  local unfixtured = {}
  for idx, c in ipairs(commands) do
    if not mine[idx] then goto next_command end
    listing:write(("%d\t%s\t%s\t%s\n"):format(idx, c.name, c.lua, tostring(c.lua_only)))
    local function check_kinds(p)
      for _, k in ipairs(kinds_of(p.kinds)) do
        if k ~= "handle" and not recipe_of[k] and not unfixtured[k] then
          unfixtured[k] = true
          note(("kind '%s' (first seen in %s %s): no fixture makes one; the other accepted kinds stand in")
               :format(k, c.name, p.name))
        end
      end
      if (p.type == "handle" or p.type == "handles") and not wrong_kind(p) then
        note(("%s %s: accepts every kind, so no wrong-kind handle input"):format(c.name, p.name))
      end
    end
    for _, p in ipairs(c.params) do check_kinds(p) end
    for _, f in ipairs(c.flags) do check_kinds(f) end
    if safety_switches[c.name] then
      note(("%s: --%s added to every input not testing it (a running child's output would land in later inputs)")
           :format(c.name, table.concat(safety_switches[c.name], " --")))
    end
    if c.name == "exit" then
      note("exit: ends the process by design; its in-range inputs must end it with that code (low 8 bits), and the run goes on in a new process")
    end
    -- shell mode
    if c.lua_only then
      note(("%s: Lua only (ipc.%s), no shell mode"):format(c.name, c.lua))
    else
      local idxtag = ("%s-%ds"):format(runtag, idx)
      local f = assert(io.open(("sh-%d.in"):format(idx), "wb"))
      local off = assert(io.open(("sh-%d.off"):format(idx), "wb"))
      local desc = assert(io.open(("sh-%d.desc"):format(idx), "wb"))
      local pos = 0
      local function put(line, words)
        if words then
          for i, w in ipairs(words) do
            f:write(i > 1 and " " or "", w)
            pos = pos + (i > 1 and 1 or 0) + #w
          end
          f:write("\n")
          pos = pos + 1
          return
        end
        f:write(line, "\n")
        pos = pos + #line + 1
      end
      for _, line in ipairs(fixture_lines(c, idxtag)) do put(line) end
      put(marker(0))
      -- the valid name is idxtag: the empty file of that name lets `run` succeed
      local saved = runtag
      runtag = idxtag
      local cases = sh_cases(c)
      runtag = saved
      for k, case in ipairs(cases) do
        off:write(("%d\t%d\n"):format(k, pos))
        desc:write(("%d\t%s\t%s\n"):format(k, case.ends, case.desc))
        put(nil, case.words)
        put(marker(k))
      end
      off:write(("%d\t%d\n"):format(#cases + 1, pos))
      -- the suspended child ends with the shell anyway; this is belt and braces
      if has(needed_kinds(c), "process") then put('lua local _ = pcall(ipc.run, "kill $fx_process")') end
      put("echo final command")
      put(marker("end"))
      f:close(); off:close(); desc:close()
    end
    -- Lua mode: descriptions only; the runner rebuilds the same list
    do
      local saved = runtag
      runtag = ("%s-%dl"):format(runtag, idx)
      local cases = lua_cases(c, placeholder)
      runtag = saved
      local desc = assert(io.open(("lua-%d.desc"):format(idx), "wb"))
      for k, case in ipairs(cases) do desc:write(("%d\t%s\t%s\n"):format(k, case.ends, case.desc)) end
      desc:close()
    end
    ::next_command::
  end
  listing:close()
  local nf = assert(io.open("notes.txt", "wb"))
  for _, n in ipairs(notes) do nf:write(n, "\n") end
  nf:close()
  return
end

-- mode == "lua"
io.stderr:setvbuf("no")  -- the C library's stderr buffers otherwise; markers must land in order
local idx, start = math.tointeger(tonumber(arg[3])), math.tointeger(tonumber(arg[4])) or 1
local c = find_command(idx)
local idxtag = ("%s-%dl"):format(runtag, idx)
local fx = {}
for _, line in ipairs(fixture_lines(c, idxtag)) do
  local ok, r = pcall(ipc.run, line)
  if not ok then
    io.stderr:write("setup: ", line, ": ", tostring(r), "\n")
  else
    local name = line:match("^(fx_[%w_]+) =")
    if name then fx[name] = r end
  end
end
local cyclic = {}
cyclic[1] = cyclic
local deep = {}
do
  local t = deep
  for _ = 1, 99 do t[1] = {}; t = t[1] end
end
local F = {
  fx = function(k) return fx["fx_" .. k] end,
  closed = function(k) return fx["fx_closed_" .. k] end,
  fn = function() end, cyclic = cyclic, deep = deep,
}
runtag = idxtag
local cases = lua_cases(c, F)
local fn = ipc[c.lua]

local function one_line(v)
  local s = tostring(v)
  if #s > 200 then s = s:sub(1, 200) .. "..." end
  return (s:gsub("[%z\1-\31\127]", function(ch) return ("\\x%02x"):format(ch:byte()) end))
end

print("@@ 0"); io.stderr:write("@@ 0\n")
for k, case in ipairs(cases) do
  if k >= start then
    local f = fn
    if case.method then
      local ok, m = pcall(function() return case.args[1][c.lua] end)
      f = ok and m or function() error("BOGUS RESULT: a " .. tostring(case.args[1]) .. " has no method " .. c.lua, 0) end
    end
    local results = table.pack(pcall(f, table.unpack(case.args, 1, case.args.n)))
    if results[1] then
      local shown = {}
      for i = 2, results.n do shown[#shown + 1] = one_line(results[i]) end
      print("=> " .. table.concat(shown, ", "))
      -- a handle given back must be one: `info` reads it from the kernel
      for i = 2, results.n do
        local h = results[i]
        if type(h) == "userdata" and getmetatable(h) == "ipcsh.handle" and not h.closed then
          local ok, err = pcall(ipc.info, h)
          if not ok then
            io.stderr:write("BOGUS RESULT: accepted, but the handle it gave back (", one_line(h),
                            ") is no handle: ", one_line(err), "\n")
          end
        end
      end
    else
      local err = results[2]
      local text
      if type(err) == "string" then
        text = err
      elseif getmetatable(err) and getmetatable(err).__tostring then
        text = tostring(err)
      else
        text = "NON-STRING ERROR VALUE (" .. type(err) .. ")"
      end
      io.stderr:write(text, "\n")
    end
    print("@@ " .. k); io.stderr:write("@@ " .. k .. "\n")
  end
end
if fx.fx_process then pcall(ipc.kill, fx.fx_process) end
print("final command: " .. tostring(ipc.self()))
print("@@ end"); io.stderr:write("@@ end\n")
