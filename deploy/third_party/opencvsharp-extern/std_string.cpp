#include "std_string.h"
