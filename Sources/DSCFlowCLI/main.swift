import DSCFlow
