-- trace: every Win32 call a command makes, one line each, arguments by
-- name. ipc.trace(fn) hands the lines to Lua, so a test can assert them.
local tag = "trace-" .. ipc.pid(ipc.self())
local lines = {}
ipc.trace(function(line) lines[#lines + 1] = line end)

local function take()
  local got = lines
  lines = {}
  return got
end
local function has(list, pattern)
  for _, line in ipairs(list) do
    if line:find(pattern) then return line end
  end
  error(("no trace line matching %q in:\n  %s"):format(pattern, table.concat(list, "\n  ")))
end

local slot = ipc.create_mailslot(tag)
local got = take()
local line = has(got, "^CreateMailslotW")
assert(line == ('CreateMailslotW("\\\\.\\mailslot\\%s", 0, MAILSLOT_WAIT_FOREVER, inherit=no) = %#x'):format(tag, slot.value),
       line)

local w = ipc.open_mailslot(tag, {inherit = true})
line = has(take(), "^CreateFileW")
assert(line:find("GENERIC_WRITE, FILE_SHARE_READ|FILE_SHARE_WRITE, inherit=yes, OPEN_EXISTING", 1, true), line)
assert(line:find(("= %#x$"):format(w.value)), line)

w:send("hi")
has(take(), '^WriteFile%(' .. ("%#x"):format(w.value) .. ', "hi", 2%) = TRUE %(2 bytes%)$')

assert(slot:recv() == "hi")
has(take(), "^ReadFile%(" .. ("%#x"):format(slot.value) .. ", 2%) = TRUE %(2 bytes%)$")

-- a failing call shows FALSE and the error by name and number
pcall(slot.recv, slot, {timeout = 0})
has(take(), "^ReadFile%(.*%) = FALSE ERROR_SEM_TIMEOUT %(121%)$")

-- named pipes: open mode and pipe mode flags by name
local server = ipc.create_pipe(tag, {mode = "message"})
line = has(take(), "^CreateNamedPipeW")
assert(line:find("PIPE_ACCESS_DUPLEX|FILE_FLAG_OVERLAPPED, PIPE_TYPE_MESSAGE|PIPE_READMODE_MESSAGE", 1, true), line)

-- dup: DUPLICATE_SAME_ACCESS, and DUPLICATE_CLOSE_SOURCE when moving
local copy = server:dup()
line = has(take(), "^DuplicateHandle")
assert(line:find("DUPLICATE_SAME_ACCESS", 1, true) and line:find(("(copy %#x)"):format(copy.value), 1, true), line)

-- a wait is one line however many slices it took, with the result by name
local ev = ipc.create_event(nil, {set = true})
take()
ipc.wait(ev, {timeout = 200})
has(take(), "^WaitForMultipleObjects%(1, %[" .. ("%#x"):format(ev.value) .. "%], FALSE, 200%) = WAIT_OBJECT_0")
ipc.wait(ev, {timeout = 120})
has(take(), "= WAIT_TIMEOUT %(after %d+ ms%)$")

-- spawn: CreateProcessW with the handle list
local kid = ipc.spawn{ipcsh = "exit 3", inherit = {w}}
got = take()
has(got, "PROC_THREAD_ATTRIBUTE_HANDLE_LIST, %[" .. ("%#x"):format(w.value) .. "%]")
has(got, "^CreateProcessW%(NULL, .*TRUE, CREATE_SUSPENDED|CREATE_UNICODE_ENVIRONMENT|EXTENDED_STARTUPINFO_PRESENT")
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 3)

-- off: nothing more arrives
ipc.trace(false)
take()
ipc.create_event()
assert(#lines == 0, "trace off still traced: " .. table.concat(lines, "\n"))
