"""A FastAPI app: warpdrive finds `app = FastAPI()` in main.py and serves it with uvicorn."""

import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index() -> dict[str, str]:
    return {"hello": "from FastAPI"}


@app.get("/slow")
async def slow() -> dict[str, str]:
    """Answers after 1.5 s: a request still in flight when the server is told to stop."""
    await asyncio.sleep(1.5)
    return {"slow": "done"}
