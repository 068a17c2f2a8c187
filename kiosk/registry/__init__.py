"""The registry extract: residents, their household (户) and other departments' flags.

让数据多跑路: what the police household register, 社保所, 民政办, 残联 and 卫健办
already know is pulled from the town server (or shipped as demo data) and used
to prefill forms, which the resident then confirms instead of typing.
"""
