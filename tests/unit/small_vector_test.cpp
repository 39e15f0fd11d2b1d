// Unit tests for SmallVector (src/core/small_vector.hpp): the in-place
// elements, the move to the heap past N, copies and moves of both, and that
// every element made is destroyed once.
#include <cstdio>
#include <string>
#include <utility>

#include "../../src/core/small_vector.hpp"

using ipcsh::SmallVector;

static int passed = 0, failed = 0;
static int alive = 0;  // Counted elements not yet destroyed

#define EXPECT(condition)                                                  \
  do {                                                                     \
    if (condition) {                                                       \
      ++passed;                                                            \
    } else {                                                               \
      ++failed;                                                            \
      std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #condition);     \
    }                                                                      \
  } while (0)

struct Counted {
  std::string text;
  explicit Counted(std::string t) : text(std::move(t)) { ++alive; }
  Counted(const Counted& o) : text(o.text) { ++alive; }
  Counted(Counted&& o) noexcept : text(std::move(o.text)) { ++alive; }
  Counted& operator=(const Counted&) = default;
  ~Counted() { --alive; }
};

static std::string joined(const SmallVector<Counted, 2>& v) {
  std::string out;
  for (const auto& c : v) out += (out.empty() ? "" : ",") + c.text;
  return out;
}

int main() {
  {
    SmallVector<Counted, 2> v;
    EXPECT(v.empty());
    v.emplace_back("a");
    v.push_back(Counted("b"));
    EXPECT(v.size() == 2 && joined(v) == "a,b");
    EXPECT(alive == 2);
    v.emplace_back("c");  // past N: everything moves to the heap
    v.emplace_back("d");
    v.emplace_back("e");
    EXPECT(v.size() == 5 && joined(v) == "a,b,c,d,e");
    EXPECT(alive == 5);
    v.push_back(v[0]);  // an element of its own, while growing (5 -> 6 fits; 6 -> 7 grows)
    v.push_back(v[1]);
    EXPECT(joined(v) == "a,b,c,d,e,a,b");
    EXPECT(v.back().text == "b");

    SmallVector<Counted, 2> copy = v;  // a heap copy
    EXPECT(joined(copy) == joined(v) && alive == 14);
    SmallVector<Counted, 2> moved = std::move(copy);  // the heap block changes hands
    EXPECT(joined(moved) == "a,b,c,d,e,a,b" && copy.empty() && alive == 14);

    SmallVector<Counted, 2> small;
    small.emplace_back("x");
    SmallVector<Counted, 2> small_moved = std::move(small);  // in place: elements move
    EXPECT(joined(small_moved) == "x" && small.empty() && alive == 15);
    small_moved = v;  // copy-assign over a smaller one
    EXPECT(joined(small_moved) == joined(v) && alive == 21);
    small_moved = SmallVector<Counted, 2>{Counted("p"), Counted("q")};
    EXPECT(joined(small_moved) == "p,q");
    v.clear();
    EXPECT(v.empty() && alive == 9);
    v.reserve(40);
    v.emplace_back("after");
    EXPECT(joined(v) == "after");
  }
  EXPECT(alive == 0);  // nothing leaked, nothing destroyed twice
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
