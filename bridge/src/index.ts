export { type AppDeps, type BridgeApp, createApp } from './app';
export { type BridgeConfig, loadBridgeConfig } from './config';
export { deviceSecret } from './domain/device-auth';
