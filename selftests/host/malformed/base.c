/* base.c - the valid object craft.py breaks one field of, for each crafted fixture. */
int counter;
int other(int x);

int calc(int x)
{
	counter++;
	return other(x) * 5 + 2;
}

__attribute__((noinline)) int other(int x)
{
	return x - 7;
}
