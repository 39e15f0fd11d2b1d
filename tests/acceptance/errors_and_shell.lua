-- Bad input: clear errors, naming the parameter; the shell text API.
local function fails(f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error")
  return err
end

local ev = ipc.create_event()
local err = fails(ipc.send, ev, "x")
assert(type(err) == "string" and err:find("bad argument #1 to 'send'", 1, true) and err:find("got event"), err)
err = fails(ipc.send)
assert(err:find("missing H", 1, true), err)
err = fails(ipc.wait, ev, {timeout = "soon"})
assert(err:find("--timeout", 1, true), err)
err = fails(ipc.create_mailslot, "x", {nope = true})
assert(err:find("unknown option", 1, true), err)
err = fails(ipc.recv, "not a handle")
assert(err:find("a handle expected", 1, true), err)

-- ipc.run: shell syntax from Lua, results as Lua values
local e = ipc.run("e = create-event --manual --set")
assert(e.kind == "event" and e:info().signaled == true)
local status, index = ipc.run("wait $e --timeout 0")
assert(status == "signaled" and index == 1)
assert(ipc.run("echo a 'b c'") == "a b c")
err = fails(ipc.run, "no-such-command")
assert(err:find("unknown command 'no-such-command'", 1, true), err)
err = fails(ipc.run, "creat-event")
assert(err:find("did you mean create-event", 1, true), err)
-- a word near nothing gets no guess: `y` is not "on" misspelt
for _, word in ipairs{"y", "=", "1x"} do
  err = fails(ipc.run, word)
  assert(err:find("unknown command", 1, true) and not err:find("did you mean", 1, true), err)
end
err = fails(ipc.run, "sned $e x")
assert(err:find("did you mean send", 1, true), err)
err = fails(ipc.run, "send $w \"open")
assert(err:find("unterminated", 1, true), err)
err = fails(ipc.run, "send $nothing x")
assert(err:find("no variable $nothing", 1, true), err)
err = fails(ipc.run, "create-event a b")
assert(err:find("too many arguments", 1, true), err)

-- Win32 errors through ipc.run keep their fields
err = fails(ipc.run, "open-mailslot accept-nothing-here-" .. ipc.self().pid)
assert(type(err) == "table" and err.code == 2 and err.name == "ERROR_FILE_NOT_FOUND", tostring(err))

-- handles are objects: equality, tostring, <close>
local same = ipc.run("$e")
assert(same == e, "the variable holds the same handle object")
assert(tostring(e):match("^event 0x%x+ manual%-reset %(inherit: no%)$"), tostring(e))
local value
do
  local scoped <close> = ipc.create_event()
  value = scoped.value
  assert(scoped:info().handle_count == 1)
end
err = fails(ipc.set_event, value)
assert(err.code == 6, "the <close> variable closed its handle: " .. tostring(err))

-- ipc.handle wraps a value we hold; the garbage collector closes nothing
local held = ipc.create_event(nil, {manual = true})
local v = held.value
held = nil
collectgarbage("collect")
local again = ipc.handle(v)
assert(again.kind == "event" and again:info().handle_count == 1, "still open after GC")
assert(require("ipc") == ipc)

-- the handle table shows our handles with their inherit flags
local inh = ipc.create_event(nil, {inherit = true})
local found
for _, row in ipairs(ipc.handles()) do
  if row.value == inh.value then found = row end
end
assert(found and found.type == "Event" and found.inherit == true and found.usage == 1,
       "handles row: " .. (found and found.type or "missing"))
