"""Facts about the ML container ecosystem that change over time, kept as data.

Each module holds tables (which base images carry CUDA, which wheels bundle it, Docker
Official Image names, credential files, model file types...) with the source of each fact
beside it. Rules read these tables; nothing here reads files or the network.
"""
