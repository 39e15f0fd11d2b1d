/* The trivial program spawn starts: it returns 0 at once. */
int main(void) { return 0; }
