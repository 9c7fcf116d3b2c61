"""Physical constants (CODATA 2018, exact SI values where defined)."""

F = 96485.33212  # C/mol, Faraday constant (CODATA 2018, exact: e * N_A)
R = 8.314462618  # J/(mol K), molar gas constant (CODATA 2018, exact)
K_B_EV = 8.617333262e-5  # eV/K, Boltzmann constant (CODATA 2018, exact)
T_ZERO_C = 273.15  # K
