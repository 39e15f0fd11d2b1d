-- The agent wire, written by hand for peers that lie (tests/peers): a frame
-- is a 4-byte little-endian length, a type byte and its fields (src/agents/
-- agent_wire.hpp). `faults` are the ways a peer answers a request wrongly,
-- each the bytes it sends instead of a well-formed answer to request `id`.
local wire = {}

local function le32(n) return string.pack("<I4", n) end
local function str(s) return le32(#s) .. s end
wire.le32, wire.str = le32, str
function wire.frame(body) return le32(#body) .. body end

-- value tags
local NIL, FALSE, TRUE, INTEGER, STRING, BYTES, HANDLE, RECORD, TABLE, RESULT, LIST = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
local function tag(t) return string.char(t) end
wire.value = {
  string = function(s) return tag(STRING) .. str(s) end,
  integer = function(i) return tag(INTEGER) .. string.pack("<i8", i) end,
  list = function(items, count) return tag(LIST) .. le32(count or #items) .. table.concat(items) end,
}

-- A values frame: the answer to `id`, each value with the variable it was
-- stored in ("" for none).
function wire.values(id, values, assigned)
  assigned = assigned or {}
  local names = {}
  for i = 1, #values do names[i] = str(assigned[i] or "") end
  return wire.frame("V" .. le32(id) .. le32(#values) .. table.concat(values) .. le32(#names) .. table.concat(names))
end

-- what each fault sends, and what the waiting side must say (a Lua pattern
-- of its error message)
wire.faults = {
  -- framing
  ["empty-frame"] = {function() return le32(0) end, "a frame of length 0"},
  ["oversized"] = {function() return le32(0xFFFFFF00) .. "V" end, "declared 4294967040 bytes long"},
  ["truncated"] = {function(id) return wire.frame("V" .. le32(id) .. le32(1) .. tag(STRING) .. le32(100) .. "abc") end,
                   "a frame too short"},
  ["no-id"] = {function() return wire.frame("V") end, "a frame too short"},
  -- values that cannot be
  ["unknown-tag"] = {function(id) return wire.values(id, {tag(0x7f)}) end, "an unknown value tag 127"},
  ["deep"] = {function(id)
    local v = wire.value.integer(1)
    for _ = 1, 100 do v = wire.value.list({v}) end
    return wire.values(id, {v})
  end, "nested more than 64 deep"},
  ["huge-count"] = {function(id) return wire.values(id, {wire.value.list({}, 0xFFFFFFFF)}) end,
                    "a count of 4294967295"},
  ["result-names"] = {function(id)
    -- a 'wait' result of three names and one value
    local r = tag(RESULT) .. str("wait") .. string.pack("<i8", -1) .. le32(3) .. str("status") .. str("index") ..
              str("code") .. le32(1) .. wire.value.string("signaled")
    return wire.values(id, {r})
  end, "a 'wait' result of 3 names and 1 values"},
  ["table-row"] = {function(id)
    local t = tag(TABLE) .. le32(3) .. str("a") .. str("b") .. str("c") .. le32(0) .. le32(0) .. le32(1) .. le32(1) ..
              wire.value.integer(1) .. str("") .. le32(0)
    return wire.values(id, {t})
  end, "a table row of 1 cells under 3 columns"},
  ["table-alias"] = {function(id)
    local t = tag(TABLE) .. le32(1) .. str("a") .. le32(0) .. le32(0) .. le32(0) .. str("") .. le32(1) ..
              str("b") .. str("zz")
    return wire.values(id, {t})
  end, "an alias for a column 'zz' that is no column"},
  ["names-over"] = {function(id)
    return wire.frame("V" .. le32(id) .. le32(1) .. wire.value.integer(1) .. le32(2) .. str("x") .. str("y"))
  end, "2 variable names for 1 values"},
  ["bad-failure"] = {function(id) return wire.frame("F" .. le32(id) .. le32(1)) end, "a frame too short"},
}

-- Well-formed answers that no command gives, which must show, not crash:
-- a 'hexdump' without its text, a 'trace' whose 'on' is a string, a
-- handle record of a kind that does not exist.
wire.odd = {
  ["hexdump-empty"] = function(id)
    return wire.values(id, {tag(RESULT) .. str("hexdump") .. string.pack("<i8", -1) .. le32(0) .. le32(0)})
  end,
  ["trace-string"] = function(id)
    return wire.values(id, {tag(RESULT) .. str("trace") .. string.pack("<i8", -1) .. le32(1) .. str("on") .. le32(1) ..
                            wire.value.string("yes")})
  end,
  ["handle-bogus"] = function(id)
    return wire.values(id, {tag(HANDLE) .. string.pack("<i8", -5) .. str("bogus") .. str("") .. str("") .. le32(0) ..
                            str("")})
  end,
}

-- Reads whole frames from `recv` (a function giving the next bytes, "" at
-- the end): returns a function giving the next frame's body, or nil.
function wire.reader(recv)
  local buffer = ""
  return function()
    while true do
      if #buffer >= 4 then
        local n = string.unpack("<I4", buffer)
        if #buffer >= 4 + n then
          local body = buffer:sub(5, 4 + n)
          buffer = buffer:sub(5 + n)
          return body
        end
      end
      local got = recv()
      if got == nil or got == "" then return nil end
      buffer = buffer .. got
    end
  end
end

return wire
