// A vector that keeps its first N elements in place: a command's few
// arguments cost no heap allocation (under Wine each one is a locked call
// into ntdll's heap). Past N it moves everything to the heap, as a vector.
// Only what the argument lists use: push_back, emplace_back, reserve, size,
// indexing and iteration.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <new>
#include <utility>

namespace ipcsh {

template <class T, std::size_t N>
class SmallVector {
 public:
  SmallVector() = default;
  SmallVector(std::initializer_list<T> items) {
    reserve(items.size());
    for (const T& v : items) emplace_back(v);
  }
  SmallVector(const SmallVector& other) { append_all(other); }
  SmallVector(SmallVector&& other) noexcept { take(std::move(other)); }
  SmallVector& operator=(const SmallVector& other) {
    if (this != &other) {
      clear();
      append_all(other);
    }
    return *this;
  }
  SmallVector& operator=(SmallVector&& other) noexcept {
    if (this != &other) {
      clear();
      release();
      take(std::move(other));
    }
    return *this;
  }
  ~SmallVector() {
    clear();
    release();
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }

  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    T* bigger = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignof(T)}));
    for (std::size_t i = 0; i < size_; ++i) {
      new (bigger + i) T(std::move(data_[i]));
      data_[i].~T();
    }
    release();
    data_ = bigger;
    capacity_ = n;
  }
  template <class... A>
  T& emplace_back(A&&... a) {
    if (size_ == capacity_) {
      // (built first: an argument may be one of this vector's own elements)
      T made(std::forward<A>(a)...);
      reserve(capacity_ * 2);
      return *new (data_ + size_++) T(std::move(made));
    }
    return *new (data_ + size_++) T(std::forward<A>(a)...);
  }
  void push_back(const T& v) { emplace_back(v); }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  void clear() {
    for (std::size_t i = 0; i < size_; ++i) data_[i].~T();
    size_ = 0;
  }

 private:
  T* in_place() { return reinterpret_cast<T*>(storage_); }
  void release() {
    if (data_ != in_place()) ::operator delete(data_, std::align_val_t{alignof(T)});
    data_ = in_place();
    capacity_ = N;
  }
  void append_all(const SmallVector& other) {
    reserve(other.size_);
    for (const T& v : other) emplace_back(v);
  }
  void take(SmallVector&& other) {
    if (other.data_ != other.in_place()) {  // a heap block changes hands
      data_ = other.data_;
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.data_ = other.in_place();
      other.size_ = 0;
      other.capacity_ = N;
      return;
    }
    for (T& v : other) emplace_back(std::move(v));
    other.clear();
  }

  alignas(T) unsigned char storage_[N * sizeof(T)];
  T* data_ = in_place();
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
};

}  // namespace ipcsh
