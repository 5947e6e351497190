// FacadeVFS ships without typings in @journeyapps/wa-sqlite 2.0.6.
declare module '@journeyapps/wa-sqlite/src/FacadeVFS.js' {
  import { Base } from '@journeyapps/wa-sqlite/src/VFS.js';
  export class FacadeVFS extends Base {
    constructor(name: string, module: object);
    jOpen(filename: string | null, pFile: number, flags: number, pOutFlags: DataView): number;
    jDelete(filename: string, syncDir: number): number;
    jAccess(filename: string, flags: number, pResOut: DataView): number;
    jClose(pFile: number): number;
    jRead(pFile: number, pData: Uint8Array, iOffset: number): number;
    jWrite(pFile: number, pData: Uint8Array, iOffset: number): number;
    jTruncate(pFile: number, size: number): number;
    jSync(pFile: number, flags: number): number;
    jFileSize(pFile: number, pSize: DataView): number;
    jLock(pFile: number, lockType: number): number;
    jUnlock(pFile: number, lockType: number): number;
    jCheckReservedLock(pFile: number, pResOut: DataView): number;
  }
}
