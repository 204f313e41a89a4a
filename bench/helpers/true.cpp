// bench-true: exits 0 at once. The command the start-up benchmark runs under
// each init, and alone as the baseline; static so that no dynamic loader
// adds its own start-up time to what is measured.
int main() { return 0; }
